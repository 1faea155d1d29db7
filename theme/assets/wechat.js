/* The 公众号 page: each copy button puts its field, or the whole article, on
   the clipboard as rich text (text/html) and plain text, then says so.

   The asynchronous clipboard (navigator.clipboard.write with a ClipboardItem)
   comes first. Where it is missing or refused, the content is selected and
   document.execCommand("copy") runs, with both types set in the copy event;
   the selection alone still copies if a browser ignores them. Messages come
   from the button's data attributes, in the site's language. */
(function () {
  "use strict";

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  // The article as the generator wrote it. It has no class or id anywhere, so
  // an element that has one was added by a script of the page (Material wraps
  // tables to scroll them): unwrap it, keeping what it holds.
  function articleHtml(article) {
    var copy = article.cloneNode(true);
    copy.querySelectorAll("[class], [id]").forEach(function (added) {
      added.replaceWith.apply(added, Array.from(added.childNodes));
    });
    return copy.innerHTML;
  }

  function contentOf(name) {
    if (name === "article") {
      var article = document.getElementById("wechat-article");
      return article && { element: article, html: articleHtml(article), text: article.innerText.trim() };
    }
    var field = document.querySelector('[data-wechat-value="' + name + '"]');
    if (!field) return null;
    var text = field.textContent.trim();
    return { element: field, html: escapeHtml(text), text: text };
  }

  function asyncClipboard() {
    return Boolean(window.isSecureContext && navigator.clipboard && navigator.clipboard.write && window.ClipboardItem);
  }

  function writeAsync(content) {
    var item = new ClipboardItem({
      "text/html": new Blob([content.html], { type: "text/html" }),
      "text/plain": new Blob([content.text], { type: "text/plain" }),
    });
    return navigator.clipboard.write([item]).then(
      function () { return true; },
      function () { return false; }
    );
  }

  function writeBySelection(content) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(content.element);
    selection.removeAllRanges();
    selection.addRange(range);
    function onCopy(event) {
      if (!event.clipboardData) return;
      event.clipboardData.setData("text/html", content.html);
      event.clipboardData.setData("text/plain", content.text);
      event.preventDefault();
    }
    document.addEventListener("copy", onCopy);
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.removeEventListener("copy", onCopy);
    if (done) selection.removeAllRanges(); // on failure the selection stays, ready for Ctrl+C
    return done;
  }

  function report(button, done) {
    var item = button.closest("[data-wechat-item]");
    var status = item && item.querySelector("[data-wechat-status]");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = done ? button.getAttribute("data-wechat-done") : button.getAttribute("data-wechat-failed");
    }, 50); // a fresh text, so a screen reader announces a second copy too
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-wechat-copy]");
    if (!button) return;
    var content = contentOf(button.getAttribute("data-wechat-copy"));
    if (!content) return;
    if (!asyncClipboard()) {
      report(button, writeBySelection(content));
      return;
    }
    writeAsync(content).then(function (done) {
      report(button, done || writeBySelection(content));
    });
  });
})();
