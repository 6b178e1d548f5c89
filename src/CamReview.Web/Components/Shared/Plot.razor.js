// Draws the Plotly figures that Plot.razor puts in the page as JSON. plotly.js is a classic script: it is loaded
// once, on first use.
let plotly;

function loadPlotly() {
  plotly ??= new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement('script');
    script.src = new URL('lib/plotly/plotly.min.js', document.baseURI).href;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error('plotly.js could not be loaded'));
    document.head.appendChild(script);
  });
  return plotly;
}

export async function draw(figureElement) {
  const json = figureElement.querySelector('script.plot-figure')?.textContent;
  const canvas = figureElement.querySelector('.plot-canvas');
  if (!json || !canvas || figureElement.dataset.drawnJson === json) return;
  const figure = JSON.parse(json);
  const Plotly = await loadPlotly();
  const layout = { margin: { l: 64, r: 16, t: 24, b: 48 }, autosize: true, ...figure.layout };
  await Plotly.react(canvas, figure.data, layout, { responsive: true, displaylogo: false });
  figureElement.dataset.drawnJson = json;
  canvas.dataset.traces = String(figure.data.length);
  const button = figureElement.querySelector('[data-action="export-png"]');
  if (button && !button.dataset.wired) {
    button.dataset.wired = 'true';
    button.addEventListener('click', () => exportPng(figureElement));
  }
}

export async function drawAll(root) {
  await Promise.all([...root.querySelectorAll('figure.plot')].map(draw));
}

export async function exportPng(figureElement) {
  const Plotly = await loadPlotly();
  const canvas = figureElement.querySelector('.plot-canvas');
  await Plotly.downloadImage(canvas, { format: 'png', filename: figureElement.dataset.plot || 'plot', width: 1200, height: 700, scale: 1 });
}

export function purge(figureElement) {
  const canvas = figureElement?.querySelector?.('.plot-canvas');
  if (canvas && window.Plotly) window.Plotly.purge(canvas);
}
