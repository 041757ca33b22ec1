"""Reference values for the seeds-and-days test (src/evaluation/seeds-days.ts), written again from
its formulas in numpy, without looking at the TypeScript: the per-seed log MSE ratios, the
delta-method day influences, the Andrews-Monahan prewhitened Bartlett long-run variance with
Andrews' AR(1) plug-in lag, the seeds' own day noise taken off the day term, and the
Welch-Satterthwaite degrees of freedom with the seeds' term at its upper 75% bound.

    python3 test/reference/seeds_days.py      (numpy 2.4.6)

The p-value itself is t(df) of the statistic, whose tails are checked against scipy elsewhere.
"""
import json
import numpy as np

rng = np.random.default_rng(22)
S, T = 3, 60
common = np.zeros(T)
for t in range(1, T):
    common[t] = 0.5 * common[t - 1] + rng.normal()
b = np.round(common + rng.normal(0, 1.0, T), 3)
a = np.round(np.array([common * 0.9 + rng.normal(0, 1.1 + 0.1 * s, T) for s in range(S)]), 3)


def andrews_lags(x, minimum):
    x = x - x.mean()
    rho = np.clip(np.sum(x[1:] * x[:-1]) / np.sum(x * x), -0.97, 0.97)
    alpha = 4 * rho**2 / ((1 - rho) ** 2 * (1 + rho) ** 2)
    lags = int(np.floor(1.1447 * (alpha * len(x)) ** (1 / 3)))
    return max(minimum, min(lags, len(x) // 4))


def bartlett(x, lags):
    x = x - x.mean()
    n = len(x)
    v = np.dot(x, x) / n
    for k in range(1, lags + 1):
        v += 2 * (1 - k / (lags + 1)) * np.dot(x[k:], x[:-k]) / n
    return max(v, 0.0)


def prewhitened(x, minimum=0):
    xc = x - x.mean()
    phi = np.clip(np.dot(xc[1:], xc[:-1]) / np.dot(xc[:-1], xc[:-1]), -0.97, 0.97)
    resid = xc[1:] - phi * xc[:-1]
    lags = andrews_lags(resid, minimum)
    return bartlett(resid, lags) / (1 - phi) ** 2, lags


def seeds_and_days(a, b, minimum):
    S, T = a.shape
    msa = (a**2).mean(axis=1)
    msb = (b**2).mean()
    L = np.log(msa / msb)
    psi = a**2 / msa[:, None] - b**2 / msb
    psi_bar = psi.mean(axis=0)
    lrv, lags = prewhitened(psi_bar, minimum)
    own = sum(prewhitened(psi[s] - psi_bar, minimum)[0] for s in range(S)) / T / S / (S - 1)
    day = max(0.0, lrv / T - own)
    seed = L.var(ddof=1) / S
    k = S - 1
    chi_lower_quartile = k * (1 - 2 / (9 * k) - 0.6744897501960817 * np.sqrt(2 / (9 * k))) ** 3
    seed_term = seed * k / chi_lower_quartile
    day_df = 1.5 * T / (lags + 1)
    df = (seed_term + day) ** 2 / (seed_term**2 / k + day**2 / day_df)
    return {
        "logRatio": float(L.mean()),
        "seedVariance": float(seed),
        "dayVariance": float(day),
        "lags": lags,
        "df": float(df),
        "statistic": float(L.mean() / np.sqrt(seed + day)),
    }


out = {"a": a.tolist(), "b": b.tolist(), "h1": seeds_and_days(a, b, 0), "h3": seeds_and_days(a, b, 2)}
print(json.dumps(out))
