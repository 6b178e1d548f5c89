// The figures' export buttons, and the drawing of figures on static pages (interactive pages draw through
// Plotly.Blazor). Both use the plotly.js that Plotly.Blazor serves; it is a classic script, loaded once.
const plotlyUrl = '_content/Plotly.Blazor/plotly-3.7.0.min.js';
let plotly;

function loadPlotly() {
  plotly ??= new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement('script');
    script.src = new URL(plotlyUrl, document.baseURI).href;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error('plotly.js could not be loaded'));
    document.head.appendChild(script);
  });
  return plotly;
}

export function wireExports(figureElement) {
  for (const button of figureElement.querySelectorAll('[data-action="export"]')) {
    if (button.dataset.wired) continue;
    button.dataset.wired = 'true';
    button.addEventListener('click', () => exportImage(figureElement, button.dataset.format));
  }
}

// A static page's figure, from the JSON beside its canvas.
async function draw(figureElement) {
  const json = figureElement.querySelector('script.plot-figure')?.textContent;
  const canvas = figureElement.querySelector('.plot-canvas');
  if (!json || !canvas) return;
  const figure = JSON.parse(json);
  const Plotly = await loadPlotly();
  await Plotly.newPlot(canvas, figure.data, figure.layout, { responsive: true, displaylogo: false });
  wireExports(figureElement);
}

export async function drawAll(root) {
  await Promise.all([...root.querySelectorAll('figure.plot')].map(draw));
}

// The figure at its on-screen size (so nothing that fits on screen is cut), PNG at twice the pixels for print.
async function exportImage(figureElement, format) {
  const Plotly = await loadPlotly();
  const canvas = figureElement.querySelector('.js-plotly-plot');
  const { width, height } = canvas.getBoundingClientRect();
  await Plotly.downloadImage(canvas, {
    format, filename: figureElement.dataset.plot || 'plot',
    width: Math.max(640, Math.round(width)), height: Math.max(360, Math.round(height)), scale: format === 'png' ? 2 : 1,
  });
}
