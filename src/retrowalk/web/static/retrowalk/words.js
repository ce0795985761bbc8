// The page's words for its scripts (web/jswords.py), in the page's language: rwWords("key", {name: value}) fills
// each %(name)s; a page without them (or a missing key) shows the key, never nothing.
(function () {
  "use strict";
  const block = document.getElementById("rw-words");
  const words = block ? JSON.parse(block.textContent) : {};
  window.rwWords = function (key, vars) {
    return (words[key] || key).replace(/%\((\w+)\)s|%%/g, function (match, name) {
      return name ? String((vars || {})[name]) : "%";
    });
  };
})();
