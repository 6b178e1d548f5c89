// Draws Plotly figures built on the server. plotly.js is a classic script: it is loaded once, on first use.
let plotly;

function loadPlotly() {
  plotly ??= new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement('script');
    script.src = 'lib/plotly/plotly.min.js';
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error('plotly.js could not be loaded'));
    document.head.appendChild(script);
  });
  return plotly;
}

export async function draw(element, figure) {
  const Plotly = await loadPlotly();
  const layout = { margin: { l: 56, r: 16, t: 16, b: 48 }, autosize: true, ...figure.layout };
  await Plotly.react(element, figure.data, layout, { responsive: true, displaylogo: false });
  element.dataset.drawn = String(figure.data.length);
}

export async function exportPng(element, name) {
  const Plotly = await loadPlotly();
  await Plotly.downloadImage(element, { format: 'png', filename: name, width: 1200, height: 600, scale: 1 });
}

export async function purge(element) {
  if (window.Plotly) window.Plotly.purge(element);
}
