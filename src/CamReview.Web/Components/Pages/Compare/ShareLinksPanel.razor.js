// Selects the whole share address when its field gets focus, so that it copies in one go. A listener here rather
// than an onfocus attribute: the Content-Security-Policy allows no inline script, attributes included.
export function selectAddressesOnFocus(section) {
  if (!section || section.dataset.selectWired) return;
  section.dataset.selectWired = 'true';
  section.addEventListener('focusin', e => {
    if (e.target.matches('[data-select-on-focus]')) e.target.select();
  });
}
