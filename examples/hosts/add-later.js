// A host page that adds a widget after it has loaded (as single-page apps do).
window.addEventListener('load', function () {
  setTimeout(function () {
    var a = document.createElement('a');
    a.className = 'solidarity-widget';
    a.id = 'late';
    a.href = document.querySelector('script[src$="/widget.js"]').src.replace('/widget.js', '/embed/strike/zehra-kurtay?lang=fr');
    a.textContent = 'Zehra Kurtay : grève de la faim';
    document.getElementById('widgets').appendChild(a);
  }, 300);
});
