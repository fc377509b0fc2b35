// Copy buttons for secrets shown once. The page works without this script; it only saves a step.
document.addEventListener("click", function (e) {
  var button = e.target.closest("button.copy");
  if (!button) { return; }
  var input = document.getElementById(button.getAttribute("data-copy"));
  input.select();
  var done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
