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
  for (const button of figureElement.querySelectorAll('[data-action="export"]')) {
    if (button.dataset.wired) continue;
    button.dataset.wired = 'true';
    button.addEventListener('click', () => exportImage(figureElement, button.dataset.format));
  }
}

export async function drawAll(root) {
  await Promise.all([...root.querySelectorAll('figure.plot')].map(draw));
}

// The figure at its on-screen size (so nothing that fits on screen is cut), PNG at twice the pixels for print.
export async function exportImage(figureElement, format) {
  const Plotly = await loadPlotly();
  const canvas = figureElement.querySelector('.plot-canvas');
  const { width, height } = canvas.getBoundingClientRect();
  await Plotly.downloadImage(canvas, {
    format, filename: figureElement.dataset.plot || 'plot',
    width: Math.max(640, Math.round(width)), height: Math.max(360, Math.round(height)), scale: format === 'png' ? 2 : 1,
  });
}

export function purge(figureElement) {
  const canvas = figureElement?.querySelector?.('.plot-canvas');
  if (canvas && window.Plotly) window.Plotly.purge(canvas);
}
