// Confirms the PaymentIntent with Stripe.js (loaded by the page from STRIPE_JS_URL). The key and
// the client secret come from the page's data attributes: no inline script.
(function () {
  var box = document.getElementById("confirm");
  var button = document.getElementById("confirm-button");
  var status = document.getElementById("confirm-status");
  if (!box || !button || typeof Stripe !== "function") {
    if (status) status.textContent = "The payment form could not load; reload the page to try again.";
    return;
  }
  var stripe = Stripe(box.getAttribute("data-key"));
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Confirming with your bank…";
    stripe.confirmCardPayment(box.getAttribute("data-secret")).then(function (result) {
      if (result.error) {
        status.textContent = "The payment was not confirmed: " + result.error.message;
        button.disabled = false;
      } else if (result.paymentIntent && result.paymentIntent.status === "succeeded") {
        status.textContent = "Payment confirmed. The credit appears on your wallet in a moment.";
        button.hidden = true;
      } else {
        status.textContent = "The payment is " + (result.paymentIntent ? result.paymentIntent.status : "pending") + ".";
        button.disabled = false;
      }
    });
  });
})();
