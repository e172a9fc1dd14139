// The evidence viewer's zoom: a button (keyboard and screen reader friendly) doubles an image in
// place, scrollable in its frame. Without scripts, the image still links to its full size.
(function () {
  "use strict";
  function setUp() {
    document.querySelectorAll(".evidence-figure").forEach(function (figure) {
      var button = figure.querySelector(".zoom-toggle");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var zoomed = figure.classList.toggle("zoomed");
        button.setAttribute("aria-pressed", zoomed ? "true" : "false");
        button.firstChild.textContent = zoomed ? "Zoom out" : "Zoom in";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
