// The bench's baseline for the panel's appearance (scripts/bench.mjs): an empty extension page
// in an iframe inside a closed shadow root, added at the same moment (document_idle) as
// Backline's dock. When it has loaded, the time (ms since the page's navigation began) is left
// on <html data-bench-empty-loaded>, where the bench reads it.
const host = document.createElement('bench-empty-dock');
const shadow = host.attachShadow({ mode: 'closed' });
const iframe = document.createElement('iframe');
iframe.style.cssText = 'border:0;width:360px;height:600px;position:fixed;left:0;bottom:0;';
iframe.addEventListener('load', () => {
  document.documentElement.dataset.benchEmptyLoaded = String(performance.now());
}, { once: true });
iframe.src = chrome.runtime.getURL('/empty.html');
shadow.append(iframe);
document.documentElement.append(host);
