# The paper's model (or an LSTM or GRU forecaster) in PyTorch, for `npm run bench`: the same windows
# (read from a JSON file that bench/peers.ts writes), batch 32, Adam 0.001, MSE, no early stopping,
# one thread. Prints one JSON line: training seconds per repeat, and the median time to predict
# 20,000 windows in one batch.
import json
import sys
import time

import torch

torch.set_num_threads(1)
spec = json.load(open(sys.argv[1]))
epochs, repeats = spec["epochs"], spec["repeats"]
lookback = spec["lookback"]
kind, units = spec.get("model", "paper"), spec.get("units", 32)
steps_first = kind != "paper"  # recurrent layers read [batch, steps, features]; Conv1d [batch, channels, steps]
x = torch.tensor(spec["x"], dtype=torch.float32).reshape(-1, lookback, 1)
x = x if steps_first else x.permute(0, 2, 1).contiguous()
y = torch.tensor(spec["y"], dtype=torch.float32).reshape(-1, 1)


class Recurrent(torch.nn.Module):
    """A recurrent layer of `units` and a linear output on its last step, as runexp's [lstm|gru, dense 1]."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(1, units, batch_first=True)
        self.out = torch.nn.Linear(units, 1)

    def forward(self, windows):
        sequence, _ = self.rnn(windows)
        return self.out(sequence[:, -1])


def model_for(seed):
    torch.manual_seed(seed)
    if kind == "lstm":
        return Recurrent(torch.nn.LSTM)
    if kind == "gru":
        return Recurrent(torch.nn.GRU)
    return torch.nn.Sequential(
        torch.nn.Conv1d(1, 5, kernel_size=1), torch.nn.ReLU(), torch.nn.Flatten(),
        torch.nn.Linear(5 * lookback, 120), torch.nn.ReLU(), torch.nn.Linear(120, 1),
    )


train_seconds = []
for r in range(repeats):
    model = model_for(11 + r)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.MSELoss()
    generator = torch.Generator().manual_seed(11 + r)
    started = time.perf_counter()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), 32):
            idx = order[start:start + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
    train_seconds.append(time.perf_counter() - started)

model.eval()
windows = torch.rand(20000, lookback, 1) if steps_first else torch.rand(20000, 1, lookback)
times = []
with torch.no_grad():
    for i in range(18):
        started = time.perf_counter()
        model(windows).numpy()
        if i >= 3:
            times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"trainSeconds": train_seconds, "predictMs": times[len(times) // 2], "torch": torch.__version__}))
