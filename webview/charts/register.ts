// Chart.js, tree-shaken: only the controllers, elements, scales and plugins the panel draws with.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LineController,
  LineElement, LinearScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';

Chart.register(
  BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, ScatterController,
  CategoryScale, LinearScale, Tooltip, Legend,
);

export { Chart };
