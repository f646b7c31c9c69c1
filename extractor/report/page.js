// Filter the records table: every word typed must occur in the row's text.
// The query lives in the address too (#q=...), so a filtered view can be shared.
(function () {
  var box = document.getElementById("filter");
  var count = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#records tbody tr"));
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length;
  }
  var start = /^#q=(.*)$/.exec(window.location.hash);
  if (start) {
    try { box.value = decodeURIComponent(start[1]); } catch (e) { box.value = ""; }
  }
  box.addEventListener("input", function () {
    apply();
    if (window.history && history.replaceState) {
      history.replaceState(null, "", box.value ? "#q=" + encodeURIComponent(box.value) : "#");
    }
  });
  apply();
})();
