/* Share posters, drawn on the reader's own device when they ask for one.
 *
 * The 生成分享海报 button of partials/share.html carries what the poster shows
 * (data-title, data-summary, data-kind, data-image, data-url, data-site and
 * the captions); the QR code is the inline SVG already on the page, drawn
 * again through Path2D. The poster is 750×1334 px, laid out as the posters
 * the build used to draw: the picture on top, the kind of page, the title,
 * the summary, then the site name and the QR code with 长按识别二维码. Text
 * uses the page's own font (the reader's system CJK font: nothing is
 * downloaded) and breaks lines by the Chinese rules of
 * generator/assets/share.py `wrap_text`. The result is a PNG shown as an
 * <img> under the share tools, below how to save it (WeChat saves an image
 * on long-press), with a download link for desktop browsers. No request leaves the site: the
 * picture is one of the site's own published images.
 *
 * Without canvas support the button stays hidden, as it is without script.
 */
(function () {
  "use strict";

  var WIDTH = 750;
  var HEIGHT = 1334;
  var PICTURE_HEIGHT = 600;
  var MARGIN = 48;
  var RED = "#b71c1c";
  var DARK = "#1a1a1a";
  var GREY = "#505050";
  var SOFT = "#fff5f3";
  var LINE = "#e0e0e0";

  // Chinese line breaking (GB/T 15834 practice), as in share.py: these never start a line...
  var NO_LINE_START = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%";
  // ...and these never end one.
  var NO_LINE_END = "（《「『【〔〈“‘([{";
  var ELLIPSIS = "…";
  var WORD_CHAR = /^[A-Za-z0-9\-_.\/@%]$/;

  /* --- text layout ------------------------------------------------------ */

  // Break opportunities: each CJK character alone, Latin words and numbers whole.
  function tokens(text) {
    var out = [];
    var word = "";
    Array.from(text).forEach(function (char) {
      if (WORD_CHAR.test(char)) {
        word += char;
        return;
      }
      if (word) {
        out.push(word);
        word = "";
      }
      out.push(char);
    });
    if (word) out.push(word);
    return out;
  }

  function last(list) {
    return list[list.length - 1];
  }

  // Whether a token is one of the characters of `chars` (a word of several is never).
  function oneOf(chars, token) {
    return token.length === 1 && chars.indexOf(token) >= 0;
  }

  function withEllipsis(ctx, line, maxWidth) {
    var chars = Array.from(line);
    while (chars.length && (ctx.measureText(chars.join("") + ELLIPSIS).width > maxWidth ||
        oneOf(NO_LINE_END, last(chars)) || oneOf("，、；：,;: ", last(chars)))) {
      chars.pop();
    }
    return chars.join("") + ELLIPSIS;
  }

  // Lines of `text` no wider than `maxWidth` in the context's font, at most
  // `maxLines` of them, the last ending with … when the text was cut.
  function wrapLines(ctx, text, maxWidth, maxLines) {
    var list = tokens(String(text || "").trim().split(/\s+/).join(" "));
    var lines = [];
    var current = [];
    var i = 0;
    while (i < list.length) {
      var token = list[i];
      if (current.length && ctx.measureText(current.join("") + token).width > maxWidth) {
        // Keep closing punctuation with the word before it, opening punctuation with the word after it.
        var carry = [];
        if (oneOf(NO_LINE_START, token) && current.length > 1) carry.push(current.pop());
        while (current.length > 1 && oneOf(NO_LINE_END, last(current))) carry.unshift(current.pop());
        lines.push(current.join("").replace(/\s+$/, ""));
        current = carry.filter(function (t) { return t !== " "; });
        if (lines.length === maxLines) break;
        continue;
      }
      if (token === " " && !current.length) {
        i += 1;
        continue;
      }
      current.push(token);
      i += 1;
    }
    if (lines.length < maxLines && current.length) {
      lines.push(current.join("").replace(/\s+$/, ""));
    } else if (lines.length === maxLines && (current.length || i < list.length)) {
      lines[lines.length - 1] = withEllipsis(ctx, lines[lines.length - 1], maxWidth);
    }
    return lines.slice(0, Math.max(0, maxLines));
  }

  /* --- drawing ------------------------------------------------------------ */

  function fontFamily() {
    return getComputedStyle(document.body).fontFamily || "sans-serif";
  }

  function loadImage(src) {
    return new Promise(function (resolve) {
      if (!src) return resolve(null);
      var image = new Image();
      image.onload = function () { resolve(image); };
      image.onerror = function () { resolve(null); };
      image.src = src;
    });
  }

  // The picture fills the band (cropped a little above the middle, where faces
  // are); a picture with transparency (a logo, a surname avatar: published as
  // PNG) is fitted whole inside a soft background instead.
  function drawPicture(ctx, image, contain) {
    var w = WIDTH;
    var h = PICTURE_HEIGHT;
    if (contain) {
      ctx.fillStyle = SOFT;
      ctx.fillRect(0, 0, w, h);
      var scale = Math.min((w * 0.7) / image.naturalWidth, (h * 0.7) / image.naturalHeight);
      var iw = image.naturalWidth * scale;
      var ih = image.naturalHeight * scale;
      ctx.drawImage(image, (w - iw) / 2, (h - ih) / 2, iw, ih);
      return;
    }
    var cover = Math.max(w / image.naturalWidth, h / image.naturalHeight);
    var sw = w / cover;
    var sh = h / cover;
    var sx = (image.naturalWidth - sw) * 0.5;
    var sy = (image.naturalHeight - sh) * 0.45;
    ctx.drawImage(image, sx, sy, sw, sh, 0, 0, w, h);
  }

  // A red band with the site name, for pages without a picture.
  function drawBanner(ctx, siteName) {
    var gradient = ctx.createLinearGradient(0, 0, WIDTH, 0);
    gradient.addColorStop(0, "#b71c1c");
    gradient.addColorStop(1, "#d84315");
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, WIDTH, PICTURE_HEIGHT);
    ctx.fillStyle = "#fff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = font(100);
    ctx.fillText(wrapLines(ctx, siteName, WIDTH - 2 * MARGIN, 1)[0] || "", WIDTH / 2, PICTURE_HEIGHT / 2);
    ctx.textAlign = "left";
  }

  // The QR code from the SVG path on the page: one pixel per module, then
  // scaled up without smoothing so the modules stay sharp.
  function drawQr(ctx, qr, x, y, size) {
    var modules = document.createElement("canvas");
    modules.width = qr.size;
    modules.height = qr.size;
    var m = modules.getContext("2d");
    m.fillStyle = "#fff";
    m.fillRect(0, 0, qr.size, qr.size);
    m.fillStyle = "#000";
    m.fill(new Path2D(qr.path));
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(modules, x, y, size, size);
    ctx.imageSmoothingEnabled = true;
  }

  function font(size, weight) {
    return (weight ? weight + " " : "") + size + "px " + fontFamily();
  }

  function text(ctx, value, x, y, size, colour, weight) {
    ctx.font = font(size, weight);
    ctx.fillStyle = colour;
    ctx.fillText(value, x, y);
  }

  // A 750×1334 canvas with the poster of `data` (see read()).
  function draw(data) {
    return loadImage(data.image).then(function (image) {
      var canvas = document.createElement("canvas");
      canvas.width = WIDTH;
      canvas.height = HEIGHT;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, WIDTH, HEIGHT);
      if (image) drawPicture(ctx, image, /\.png$/i.test(data.image));
      else drawBanner(ctx, data.site);

      ctx.textBaseline = "top";
      var textWidth = WIDTH - 2 * MARGIN;
      var y = PICTURE_HEIGHT + 36;
      text(ctx, data.kind, MARGIN, y, 28, RED);
      y += 52;
      ctx.font = font(46, "bold");
      wrapLines(ctx, data.title, textWidth, 3).forEach(function (line) {
        text(ctx, line, MARGIN, y, 46, DARK, "bold");
        y += 66;
      });
      y += 14;
      var footerTop = HEIGHT - 290;
      var summaryLines = Math.max(0, Math.floor((footerTop - 30 - y) / 48));
      ctx.font = font(30);
      (data.summary && summaryLines ? wrapLines(ctx, data.summary, textWidth, summaryLines) : []).forEach(function (line) {
        text(ctx, line, MARGIN, y, 30, GREY);
        y += 48;
      });

      ctx.fillStyle = LINE;
      ctx.fillRect(MARGIN, footerTop - 1, WIDTH - 2 * MARGIN, 2);
      var qrSize = 220;
      if (data.qr) drawQr(ctx, data.qr, WIDTH - MARGIN - qrSize, footerTop + 34, qrSize);
      ctx.font = font(34);
      var ny = footerTop + 50;
      wrapLines(ctx, data.site, WIDTH - 3 * MARGIN - qrSize, 2).forEach(function (line) {
        text(ctx, line, MARGIN, ny, 34, RED);
        ny += 48;
      });
      text(ctx, data.hint, MARGIN, ny + 16, 26, GREY);
      text(ctx, data.read, MARGIN, ny + 56, 26, GREY);
      return canvas;
    });
  }

  /* --- the button ----------------------------------------------------------- */

  // What the poster of a button's page shows: its data attributes and the QR code beside it.
  function read(button) {
    var section = button.closest(".lf-share");
    var svg = section && section.querySelector(".lf-qr svg");
    var path = svg && svg.querySelector("path");
    var d = button.dataset;
    return {
      title: d.title || "",
      summary: d.summary || "",
      kind: d.kind || "",
      image: d.image ? new URL(d.image, document.baseURI).href : "",
      url: d.url || "",
      site: d.site || "",
      hint: d.hint || "",
      read: d.read || "",
      qr: path ? { size: svg.viewBox.baseVal.width, path: path.getAttribute("d") } : null
    };
  }

  function fileName(url) {
    var parts = url.replace(/\/+$/, "").split("/");
    return (parts[parts.length - 1] || "poster") + "-poster.png";
  }

  function show(button, canvas, data) {
    var out = button.closest(".lf-share").querySelector("[data-lf-poster-out]");
    var src = canvas.toDataURL("image/png");
    var figure = document.createElement("figure");
    figure.className = "lf-poster";
    var image = document.createElement("img");
    image.src = src;
    image.width = WIDTH;
    image.height = HEIGHT;
    image.alt = (button.dataset.alt || "").replace("{title}", data.title);
    var caption = document.createElement("figcaption");
    caption.textContent = button.dataset.save || "";
    var link = document.createElement("a");
    link.className = "lf-button";
    link.href = src;
    link.download = fileName(data.url);
    link.textContent = button.dataset.download || "";
    // How to keep it first: a reader scrolled to the poster reads this before the image.
    figure.appendChild(caption);
    figure.appendChild(image);
    figure.appendChild(link);
    out.textContent = "";
    out.appendChild(figure);
    // Bring it into view once the image has its size, so the page below it does not move it again.
    var reveal = function () { figure.scrollIntoView({ block: "start" }); };
    if (image.decode) image.decode().then(reveal, reveal);
    else reveal();
  }

  function makePoster(button) {
    if (button.getAttribute("aria-busy") === "true") return;
    var label = button.textContent;
    button.setAttribute("aria-busy", "true");
    button.textContent = button.dataset.busy || label;
    var data = read(button);
    draw(data)
      .then(function (canvas) { show(button, canvas, data); })
      .catch(function () {
        var out = button.closest(".lf-share").querySelector("[data-lf-poster-out]");
        out.textContent = button.dataset.failed || "";
      })
      .then(function () {
        button.textContent = label;
        button.removeAttribute("aria-busy");
      });
  }

  var probe = document.createElement("canvas");
  var works = !!(probe.getContext && probe.getContext("2d") && window.Path2D && window.Promise && Array.from);

  window.lfPoster = { wrap: wrapLines, draw: draw, read: read, size: [WIDTH, HEIGHT] };

  if (!works) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-lf-poster]"), function (button) {
    var tool = button.closest("[hidden]");
    if (tool) tool.hidden = false;
    button.addEventListener("click", function () { makePoster(button); });
  });
})();
