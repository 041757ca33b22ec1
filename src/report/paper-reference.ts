// The paper's own Table 1, shown beside ours (its data period differs from any run here).
export const PAPER_TABLE1 = {
  source: 'Esakiraja, "Enhancing CNN Efficiency for Time Series Forecasting: Pruning by Weight Magnitude", Table 1',
  rows: [
    { model: 'SPYModel (original)', mse: 91.444878, rmse: 9.562682, mae: 7.735817, r2: 0.876112 },
    { model: 'CompactModel', mse: 75.170326, rmse: 8.670082, mae: 6.779068, r2: 0.89816 },
  ],
};
