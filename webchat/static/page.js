/* Starts the chat on the page served at / (same origin as the API). */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var maxChars = parseInt(root.getAttribute("data-max-chars") || "1000", 10);
  GZChat.mount(root, { apiBase: "", maxChars: maxChars, headingLevel: 1 });
})();
