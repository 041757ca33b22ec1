# The paper's model in PyTorch, for `npm run bench`: the same windows (read from a JSON file that
# bench/peers.ts writes), batch 32, Adam 0.001, MSE, no early stopping, one thread. Prints one JSON
# line: training seconds per repeat, and the median time to predict 20,000 windows in one batch.
import json
import sys
import time

import torch

torch.set_num_threads(1)
spec = json.load(open(sys.argv[1]))
epochs, repeats = spec["epochs"], spec["repeats"]
lookback = spec["lookback"]
x = torch.tensor(spec["x"], dtype=torch.float32).reshape(-1, lookback, 1).permute(0, 2, 1).contiguous()
y = torch.tensor(spec["y"], dtype=torch.float32).reshape(-1, 1)


def model_for(seed):
    torch.manual_seed(seed)
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
windows = torch.rand(20000, 1, lookback)
times = []
with torch.no_grad():
    for i in range(18):
        started = time.perf_counter()
        model(windows).numpy()
        if i >= 3:
            times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"trainSeconds": train_seconds, "predictMs": times[len(times) // 2], "torch": torch.__version__}))
