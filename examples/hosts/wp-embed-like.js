// The part of WordPress's wp-embed.js that resizes embeds: trust a message only when
// its secret matches the iframe's data-secret.
window.addEventListener('message', function (event) {
  var data = event.data;
  if (!data || !data.secret || data.message !== 'height') return;
  var frames = document.querySelectorAll('iframe[data-secret="' + data.secret + '"]');
  frames.forEach(function (frame) {
    if (frame.contentWindow !== event.source) return;
    var height = Math.min(Math.max(parseInt(data.value, 10), 50), 1000);
    frame.height = String(height);
  });
});
