// The shared comparison page is rendered once on the server, without a circuit: this module wires its players and
// draws its plots. A file rather than an inline script, so that the Content-Security-Policy can allow scripts from
// the portal's own files only.
import { start, currentTime } from '../Components/Pages/Compare/ComparisonViewer.razor.js';

start();

// A guest's comment form (on links that take them) posts the players' time, and shows it as the players move.
const form = document.querySelector('form[data-guest-comment]');
const viewer = document.querySelector('.comparison-viewer');
if (form && viewer) {
  const field = form.querySelector('[data-guest-time-field]');
  const shown = document.querySelector('[data-guest-time]');
  const update = () => {
    const time = currentTime(viewer);
    field.value = String(time);
    // m:ss.s, as the players and the comments show time.
    shown.textContent = `${Math.floor(time / 60)}:${(time % 60).toFixed(1).padStart(4, '0')}`;
  };
  // Media events do not bubble: listened to on their way down.
  viewer.addEventListener('timeupdate', update, true);
  viewer.addEventListener('seeked', update, true);
  form.addEventListener('submit', update);
}
