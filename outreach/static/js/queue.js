/* The queue's bulk bar: hidden until a row is picked, then it says how many. Without this script the bar is
   always there (sticky at the bottom of the screen), so the buttons work all the same. */
(function () {
  "use strict";
  var bar = document.querySelector("[data-bulk-bar]");
  if (!bar) return;
  var form = bar.closest("form"), count = bar.querySelector("[data-picked]");

  function update() {
    var n = form.querySelectorAll('input[name="number"]:checked').length;
    bar.hidden = n === 0;
    count.hidden = false;
    count.textContent = count.getAttribute("data-template").replace("%(n)s", n);
  }

  form.addEventListener("change", update);
  window.addEventListener("pageshow", update);  // boxes a back button brought back still ticked
  update();
})();
