// Shows the bonus as the owner changes the amount. The tiers are asked of the server
// (/billing/top-up/quote), so their one rule stays on the server; without script, the page works
// the same and Checkout shows the amount.
(function () {
  var form = document.getElementById("top-up-form");
  var custom = document.getElementById("custom_amount");
  var preview = document.getElementById("preview");
  if (!form || !custom || !preview) return;
  var pending = 0;
  function chosen() {
    if (custom.value.trim() !== "") return custom.value.trim();
    var checked = form.querySelector('input[name="preset"]:checked');
    return checked ? checked.value : "";
  }
  function update() {
    var amount = chosen();
    if (amount === "") { preview.textContent = "Choose an amount."; return; }
    var mine = ++pending;
    fetch("/billing/top-up/quote?amount=" + encodeURIComponent(amount), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (q) {
        if (mine !== pending) return;
        if (q.error) { preview.textContent = q.error; return; }
        preview.textContent = q.bonus_percent > 0
          ? "You pay $" + q.amount + " and get $" + q.total + " (+" + q.bonus_percent + "% bonus)."
          : "You pay $" + q.amount + " and get the same in credit.";
      })
      .catch(function () { /* the server still checks the amount on submit */ });
  }
  form.addEventListener("change", update);
  custom.addEventListener("input", update);
})();
