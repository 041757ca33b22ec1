"""Reference values for test/unit/evaluation-reference.test.ts, from scipy and statsmodels, and an
independent numpy implementation of the Model Confidence Set and the Pesaran-Timmermann test.

    /usr/bin/python3 test/reference/evaluation.py

Measured with Debian bookworm's python3: scipy 1.10.1, statsmodels 0.13.5, numpy 1.24.2 (apt-get install
python3-statsmodels). scipy 1.17.1 agrees on every value but one: with ties it computes the Wilcoxon
p-value exactly over the tied ranks (0.009765625) where 1.10.1 uses the normal approximation.
"""
import json
import numpy as np
from scipy import stats
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(12)
# Two error series with autocorrelated loss differentials, rounded so the test can list them.
common = np.cumsum(rng.normal(0, 1, 40)) * 0.3
e1 = np.round(common + rng.normal(0, 1.0, 40), 3)
e2 = np.round(0.8 * common + rng.normal(0, 1.3, 40), 3)
out = {"e1": e1.tolist(), "e2": e2.tolist()}

# Diebold-Mariano with a Newey-West variance: OLS of d on a constant, HAC with Bartlett weights.
d = e1**2 - e2**2
for lags in (3, 5):
    fit = sm.OLS(d, np.ones_like(d)).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}, use_t=True)
    out[f"dmHac{lags}"] = {"statistic": float(fit.tvalues[0]), "pValue": float(fit.pvalues[0])}

# Multiple testing.
ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.041]
out["holm"] = multipletests(ps, method="holm")[1].tolist()
out["bh"] = multipletests(ps, method="fdr_bh")[1].tolist()

# Wilcoxon signed-rank: exact (10 pairs, no ties), and with ties and a zero (normal approximation).
a = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30, 2.01]
b = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29, 1.72]
w = stats.wilcoxon(a, b)
out["wilcoxonExact"] = {"statistic": float(w.statistic), "pValue": float(w.pvalue)}
c = [3, 5, 2, 7, 7, 1, 4, 6, 9, 2, 5, 8]
e = [1, 3, 2, 4, 2, 3, 1, 3, 4, 0, 5, 2]
w = stats.wilcoxon(c, e)
out["wilcoxonTies"] = {"statistic": float(w.statistic), "pValue": float(w.pvalue)}

# Normal tails.
out["normalSf"] = [float(stats.norm.sf(z)) for z in (1.0, 5.0, 30.0)]

# Log-MSE ratio: a one-sample t-test of ln(a/b) and its 95% interval.
mse_c = [131.2, 244.0, 98.7, 310.5, 175.3]
mse_o = [23.1, 40.2, 19.9, 52.0, 31.7]
logs = np.log(np.array(mse_c) / np.array(mse_o))
t = stats.ttest_1samp(logs, 0.0)
lo, hi = stats.t.interval(0.95, len(logs) - 1, loc=logs.mean(), scale=stats.sem(logs))
out["logRatio"] = {"ratio": float(np.exp(logs.mean())), "lo": float(np.exp(lo)), "hi": float(np.exp(hi)), "pValue": float(t.pvalue)}

# Pesaran-Timmermann (1992), written out from the paper.
prev = np.full(12, 100.0)
actual = prev + np.array([1, -1, 2, 1, -2, 1, 1, -1, 2, -1, 1, 1])
pred = prev + np.array([0.5, -0.2, 0.1, 0.3, 0.4, -0.1, 0.2, -0.3, 0.0, 0.2, 0.1, -0.2])
moved = pred != prev
x = (pred > prev)[moved]; y = (actual > prev)[moved]; n = moved.sum()
P = np.mean(x == y); px = x.mean(); py = y.mean()
ps_ = py * px + (1 - py) * (1 - px)
vp = ps_ * (1 - ps_) / n
vps = (2 * py - 1) ** 2 * px * (1 - px) / n + (2 * px - 1) ** 2 * py * (1 - py) / n + 4 * py * px * (1 - py) * (1 - px) / n**2
S = (P - ps_) / np.sqrt(vp - vps)
out["pt"] = {"accuracy": float(P), "days": int(n), "statistic": float(S), "pValue": float(stats.norm.sf(S))}

# Model Confidence Set, T_R statistic, with day-index samples given by a fixed rule both sides share:
# sample b is made of blocks of length L starting at (17*b + 5*k) mod (n - L + 1), k = 0, 1, ...
def samples(n, L, B):
    out = []
    for b in range(B):
        idx = []
        k = 0
        while len(idx) < n:
            start = (17 * b + 5 * k) % (n - L + 1)
            idx.extend(range(start, start + L))
            k += 1
        out.append(idx[:n])
    return np.array(out)

loss = np.stack([np.asarray(e1) ** 2, np.asarray(e2) ** 2, (np.asarray(e1) * 0.9) ** 2, np.asarray(e2) ** 2 + 0.5])
names = ["a", "b", "c", "d"]
S_ = samples(40, 4, 60)
means = loss.mean(axis=1)
boot = np.stack([loss[:, s].mean(axis=1) for s in S_])  # B x m
dbar = means[:, None] - means[None, :]
dboot = boot[:, :, None] - boot[:, None, :]
var = ((dboot - dbar) ** 2).mean(axis=0)
alive = list(range(4)); pvals = [1.0] * 4; running = 0.0
with np.errstate(divide="ignore", invalid="ignore"):
    tij = np.where(var > 0, dbar / np.sqrt(var), 0.0)
    while len(alive) > 1:
        sub = np.ix_(alive, alive)
        stat = np.abs(tij[sub]).max()
        bstat = np.where(var[sub] > 0, np.abs(dboot[:, alive][:, :, alive] - dbar[sub]) / np.sqrt(var[sub]), 0.0).max(axis=(1, 2))
        running = max(running, float(np.mean(bstat >= stat)))
        worst = max(alive, key=lambda i: max(tij[i, j] for j in alive if j != i))
        pvals[worst] = running
        alive.remove(worst)
out["mcs"] = dict(zip(names, pvals))
print(json.dumps(out, indent=1))
