/*
 * Geldzorgen-chat: the chat component of the page (/) and of the widget's iframe (/widget).
 * It only ever runs in the chat server's own origin, never in another site's page.
 *
 * Rules kept here on purpose:
 * - content from the bot or the user is only ever put in the page with textContent or
 *   text nodes (never parsed as HTML); links are made from plain URLs with createElement;
 * - the only thing stored in the browser is a random conversation id in sessionStorage
 *   (of the chat server's origin), written when the first message is sent; no cookies;
 * - the id is only forgotten after erasing when the bot confirmed it really erased
 *   (the API answers "erased": true); an answer without that keeps the id;
 * - a failed send never loses what the user typed: it goes back into the text field and
 *   the error offers "Opnieuw versturen".
 */
/* exported GZChat */
var GZChat = (function () {
  "use strict";

  var STORAGE_KEY = "geldzorgen-chat:conversation";
  var TIMEOUT_MS = 35000;
  var counter = 0;

  var T = {
    title: "Chat over geldzorgen",
    privacy:
      "Anoniem: je hoeft geen naam te geven. We bewaren het gesprek onder een code, " +
      "30 dagen, en jij kunt het altijd wissen.",
    greeting:
      "Hoi! Waar maak je je zorgen over? Vertel het in je eigen woorden. " +
      "Bijvoorbeeld: \u201cMijn zoon wil op voetbal, maar dat kunnen we niet betalen.\u201d",
    resumed: "Je gaat verder met je gesprek. Oude berichten zie je hier niet meer.",
    newChat: "Nieuw gesprek",
    erase: "Wis dit gesprek",
    log: "Gesprek",
    you: "Jij:",
    bot: "Assistent:",
    choices: "Kies een antwoord",
    inputLabel: "Typ je bericht",
    send: "Verstuur",
    typing: "De assistent schrijft een antwoord\u2026",
    typingVisible: "Even geduld\u2026",
    erasing: "Het gesprek wordt gewist\u2026",
    newTab: " (opent in een nieuw tabblad)",
    image: "Bekijk de afbeelding",
    retry: "Opnieuw versturen",
    retryErase: "Opnieuw proberen",
    keptTyped: "Je bericht staat nog in het tekstvak.",
    help: "Wil je nu met iemand praten? Bel de Kindertelefoon (0800-0432, gratis) of je " +
      "gemeente. In nood: bel 112.",
    offline: "De chat is nu niet bereikbaar. Kijk of je internet werkt en probeer het opnieuw.",
    slow: "Het antwoord duurt te lang. Probeer het zo opnieuw.",
    failed: "Er ging iets mis bij de chat. Probeer het zo opnieuw.",
    eraseFailed: "Het wissen is niet gelukt.",
    eraseNotConfirmed:
      "Het wissen is niet gelukt: je gesprek staat er nog. Probeer het zo nog een keer.",
    erased: "Klaar. Ik heb alles van dit gesprek gewist.",
    dialogTitle: "Wil je dit gesprek wissen?",
    dialogText:
      "Dan wissen we alles wat je in dit gesprek hebt geschreven. " +
      "Dat kun je niet terugdraaien.",
    dialogYes: "Ja, wis alles",
    dialogNo: "Nee, niet wissen"
  };

  // -- small DOM helpers (text only) --------------------------------------------------

  function el(doc, tag, attrs, children) {
    var node = doc.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        if (key === "text") {
          node.textContent = attrs[key];
        } else if (attrs[key] === true) {
          node.setAttribute(key, "");
        } else if (attrs[key] !== false && attrs[key] !== null && attrs[key] !== undefined) {
          node.setAttribute(key, String(attrs[key]));
        }
      }
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? doc.createTextNode(child) : child);
    });
    return node;
  }

  function uuid() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID();
    }
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function storage() {
    try {
      var s = window.sessionStorage;
      s.getItem(STORAGE_KEY);
      return s;
    } catch (e) {
      return null; // blocked storage: the id lives in memory only
    }
  }

  var URL_RE = /https?:\/\/[^\s<>"']+/;
  var PHONE_RE = /\b0[89]00[- ]?\d{4}(?:[- ]?\d{3})?\b/;
  var SHORT_RE = /\b(bel\s+)(11[23])\b/i;

  function trimUrl(url) {
    var trimmed = url;
    while (/[.,;:!?)\]]$/.test(trimmed)) {
      if (trimmed.slice(-1) === ")" && trimmed.split("(").length > trimmed.split(")").length - 1) {
        break;
      }
      trimmed = trimmed.slice(0, -1);
    }
    return trimmed;
  }

  /* Text to a fragment of text nodes and links (http(s) URLs and Dutch helpline numbers). */
  function linkify(doc, text) {
    var fragment = doc.createDocumentFragment();
    var rest = text;
    while (rest) {
      var candidates = [];
      var m = URL_RE.exec(rest);
      if (m) {
        var url = trimUrl(m[0]);
        candidates.push({ index: m.index, text: url, href: url, external: true });
      }
      m = PHONE_RE.exec(rest);
      if (m) {
        candidates.push({ index: m.index, text: m[0], href: "tel:" + m[0].replace(/\D/g, "") });
      }
      m = SHORT_RE.exec(rest);
      if (m) {
        candidates.push({ index: m.index + m[1].length, text: m[2], href: "tel:" + m[2] });
      }
      if (!candidates.length) {
        fragment.appendChild(doc.createTextNode(rest));
        break;
      }
      candidates.sort(function (a, b) { return a.index - b.index; });
      var hit = candidates[0];
      if (hit.index > 0) {
        fragment.appendChild(doc.createTextNode(rest.slice(0, hit.index)));
      }
      var link = el(doc, "a", { href: hit.href, "class": "gz-link", text: hit.text });
      if (hit.external) {
        link.setAttribute("target", "_blank");
        link.setAttribute("rel", "noopener noreferrer");
        link.appendChild(el(doc, "span", { "class": "gz-sr", text: T.newTab }));
      }
      fragment.appendChild(link);
      rest = rest.slice(hit.index + hit.text.length);
    }
    return fragment;
  }

  // -- the component ------------------------------------------------------------------

  function Chat(root, options) {
    this.root = root;
    this.doc = root.ownerDocument || document;
    this.apiBase = (options && options.apiBase) || "";
    this.maxChars = (options && options.maxChars) || 1000;
    this.headingLevel = (options && options.headingLevel) || 1;
    this.storage = storage();
    this.busy = false;
    this.generation = 0;
    var stored = this.storage && this.storage.getItem(STORAGE_KEY);
    this.conversationId = stored && /^[0-9a-f-]{36}$/.test(stored) ? stored : uuid();
    this.resumed = Boolean(stored);
    this.build();
    if (this.resumed) {
      this.addNotice(T.resumed);
    } else {
      this.addIntro();
    }
  }

  Chat.prototype.build = function () {
    var d = this.doc;
    var id = "gz" + (++counter);
    var self = this;
    this.ids = { title: id + "-title", input: id + "-input", dlgTitle: id + "-dlg-title",
      dlgText: id + "-dlg-text", privacy: id + "-privacy" };

    this.newButton = el(d, "button", { type: "button", "class": "gz-btn gz-new", text: T.newChat });
    this.eraseButton = el(d, "button", { type: "button", "class": "gz-btn gz-erase",
      "aria-haspopup": "dialog", text: T.erase });
    var header = el(d, "header", { "class": "gz-header" }, [
      el(d, "h" + this.headingLevel, { "class": "gz-title", id: this.ids.title, text: T.title }),
      el(d, "p", { "class": "gz-privacy", id: this.ids.privacy, text: T.privacy }),
      el(d, "div", { "class": "gz-actions" }, [this.newButton, this.eraseButton])
    ]);

    this.log = el(d, "div", { "class": "gz-log", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", "aria-labelledby": this.ids.title, tabindex: "0" });
    this.typing = el(d, "div", { "class": "gz-typing", "aria-hidden": "true", hidden: true }, [
      el(d, "span", { "class": "gz-dots" }, [
        el(d, "span", {}), el(d, "span", {}), el(d, "span", {})
      ]),
      el(d, "span", { "class": "gz-typing-text", text: T.typingVisible })
    ]);
    this.status = el(d, "div", { "class": "gz-sr gz-status", role: "status" });

    this.errorText = el(d, "p", { "class": "gz-error-text" });
    this.errorHelp = el(d, "p", { "class": "gz-error-help", hidden: true });
    this.errorHelp.appendChild(linkify(d, T.help));
    this.retryButton = el(d, "button", { type: "button", "class": "gz-btn gz-retry",
      text: T.retry });
    this.error = el(d, "div", { "class": "gz-error", role: "alert", hidden: true },
      [el(d, "div", { "class": "gz-error-body" }, [this.errorText, this.errorHelp]),
        this.retryButton]);

    this.input = el(d, "input", { type: "text", id: this.ids.input, "class": "gz-input",
      maxlength: String(this.maxChars), autocomplete: "off", autocapitalize: "sentences",
      spellcheck: "true", enterkeyhint: "send", "aria-describedby": this.ids.privacy });
    this.sendButton = el(d, "button", { type: "submit", "class": "gz-btn gz-send",
      text: T.send });
    this.form = el(d, "form", { "class": "gz-form", novalidate: true }, [
      el(d, "label", { "for": this.ids.input, "class": "gz-label", text: T.inputLabel }),
      el(d, "div", { "class": "gz-row" }, [this.input, this.sendButton])
    ]);

    this.dialogYes = el(d, "button", { type: "button", "class": "gz-btn gz-danger gz-confirm",
      text: T.dialogYes });
    // No autofocus attribute: browsers ignore (and report) it in a cross-origin iframe such
    // as the widget's; the focus is put on "Nee" when the dialog opens.
    this.dialogNo = el(d, "button", { type: "button", "class": "gz-btn gz-cancel",
      text: T.dialogNo });
    this.dialog = el(d, "dialog", { "class": "gz-dialog", "aria-labelledby": this.ids.dlgTitle,
      "aria-describedby": this.ids.dlgText }, [
      el(d, "h" + Math.min(this.headingLevel + 1, 6), { "class": "gz-dialog-title",
        id: this.ids.dlgTitle, text: T.dialogTitle }),
      el(d, "p", { id: this.ids.dlgText, text: T.dialogText }),
      el(d, "div", { "class": "gz-dialog-actions" }, [this.dialogYes, this.dialogNo])
    ]);

    var box = el(d, "div", { "class": "gz-chat", lang: "nl" },
      [header, this.log, this.typing, this.status, this.error, this.form, this.dialog]);
    while (this.root.firstChild) {
      this.root.removeChild(this.root.firstChild);
    }
    this.root.appendChild(box);
    this.box = box;

    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitTyped();
    });
    this.newButton.addEventListener("click", function () { self.startNew(); });
    this.eraseButton.addEventListener("click", function () {
      self.dialog.showModal();
      self.dialogNo.focus(); // the safe choice first
    });
    this.dialogNo.addEventListener("click", function () { self.dialog.close(); });
    this.dialogYes.addEventListener("click", function () {
      self.dialog.close();
      self.erase();
    });
    this.retryButton.addEventListener("click", function () {
      if (self.retryAction) {
        self.retryAction();
      }
    });
  };

  // -- transcript -----------------------------------------------------------------------

  Chat.prototype.addBubble = function (who, text, extraClass) {
    var d = this.doc;
    var classes = "gz-msg gz-msg-" + who + (extraClass ? " " + extraClass : "");
    var bubble = el(d, "div", { "class": classes }, [
      el(d, "span", { "class": "gz-sr", text: who === "user" ? T.you + " " : T.bot + " " })
    ]);
    if (text) {
      var p = el(d, "p", { "class": "gz-text" });
      p.appendChild(linkify(d, text));
      bubble.appendChild(p);
    }
    this.log.appendChild(bubble);
    return bubble;
  };

  Chat.prototype.addIntro = function () {
    this.addBubble("bot", T.greeting, "gz-intro");
  };

  Chat.prototype.addNotice = function (text) {
    this.log.appendChild(el(this.doc, "p", { "class": "gz-notice", text: text }));
  };

  Chat.prototype.addBotMessage = function (message) {
    var d = this.doc;
    var self = this;
    var text = typeof message.text === "string" ? message.text : "";
    var bubble = this.addBubble("bot", text);
    if (typeof message.image === "string" && /^https?:\/\//.test(message.image)) {
      var link = el(d, "a", { href: message.image, target: "_blank", rel: "noopener noreferrer",
        "class": "gz-link", text: T.image }, [el(d, "span", { "class": "gz-sr", text: T.newTab })]);
      bubble.appendChild(el(d, "p", { "class": "gz-text" }, [link]));
    }
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (buttons.length) {
      var group = el(d, "div", { "class": "gz-choices", role: "group", "aria-label": T.choices });
      buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string" || !b.title) {
          return;
        }
        var payload = typeof b.payload === "string" && b.payload ? b.payload : b.title;
        var button = el(d, "button", { type: "button", "class": "gz-btn gz-choice",
          text: b.title });
        button.addEventListener("click", function () {
          if (!button.disabled) {
            self.send({ shown: b.title, payload: payload, typed: false });
          }
        });
        group.appendChild(button);
      });
      bubble.appendChild(group);
    }
    return bubble;
  };

  /* Show the start of the first new message (long answers are read from the top). */
  Chat.prototype.scrollTo = function (node) {
    var bottom = this.log.scrollHeight - this.log.clientHeight;
    var top = node ? node.offsetTop - 8 : bottom; // the log is the offsetParent
    this.log.scrollTop = Math.max(0, Math.min(top, bottom));
  };

  Chat.prototype.clearLog = function () {
    while (this.log.firstChild) {
      this.log.removeChild(this.log.firstChild);
    }
  };

  Chat.prototype.setChoicesEnabled = function (buttons, enabled) {
    buttons.forEach(function (b) { b.disabled = !enabled; });
  };

  // -- state --------------------------------------------------------------------------

  Chat.prototype.setBusy = function (busy, statusText) {
    this.busy = busy;
    this.typing.hidden = !busy;
    this.sendButton.setAttribute("aria-disabled", busy ? "true" : "false");
    this.status.textContent = busy ? statusText || T.typing : "";
    if (busy) {
      this.log.setAttribute("aria-busy", "true");
      this.log.scrollTop = this.log.scrollHeight;
    } else {
      this.log.removeAttribute("aria-busy");
    }
  };

  Chat.prototype.showError = function (text, retryLabel, action, retry, help) {
    this.retryAction = action;
    this.retryButton.textContent = retryLabel;
    this.retryButton.hidden = !retry;
    this.errorHelp.hidden = !help;
    this.error.hidden = false;
    this.errorText.textContent = text;
  };

  Chat.prototype.hideError = function () {
    this.error.hidden = true;
    this.errorText.textContent = "";
    this.retryAction = null;
  };

  Chat.prototype.remember = function () {
    if (this.storage) {
      try {
        this.storage.setItem(STORAGE_KEY, this.conversationId);
      } catch (e) { /* storage full or blocked: keep going in memory */ }
    }
  };

  Chat.prototype.forgetId = function () {
    this.conversationId = uuid();
    if (this.storage) {
      try {
        this.storage.removeItem(STORAGE_KEY);
      } catch (e) { /* ignore */ }
    }
  };

  // -- network ------------------------------------------------------------------------

  Chat.prototype.post = function (text, conversationId) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var request = fetch(this.apiBase + "/api/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation: conversationId || this.conversationId, message: text }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller ? controller.signal : undefined
    });
    return request.then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok || !data || !Array.isArray(data.messages)) {
          var err = new Error(data && typeof data.error === "string" ? data.error : T.failed);
          err.status = response.status;
          err.retry = !(data && data.retry === false);
          err.help = response.status >= 500; // the chat is down: say where else to go
          throw err;
        }
        return { messages: data.messages, erased: data.erased === true };
      });
    }, function (reason) {
      var aborted = reason && reason.name === "AbortError";
      var err = new Error(aborted ? T.slow : T.offline);
      err.retry = true;
      err.help = true;
      throw err;
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  };

  Chat.prototype.submitTyped = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) {
      return;
    }
    this.send({ shown: text, payload: text, typed: true });
  };

  Chat.prototype.send = function (item) {
    var self = this;
    if (this.busy) {
      return;
    }
    var generation = this.generation;
    this.hideError();
    var bubble = this.addBubble("user", item.shown);
    var disabled = Array.prototype.filter.call(
      this.log.querySelectorAll(".gz-choice"), function (b) { return !b.disabled; });
    var hadFocus = disabled.indexOf(this.doc.activeElement) >= 0 ||
      (this.root.getRootNode && disabled.indexOf(this.root.getRootNode().activeElement) >= 0);
    this.setChoicesEnabled(disabled, false);
    if (item.typed) {
      this.input.value = "";
    }
    if (hadFocus) {
      this.input.focus();
    }
    this.remember();
    this.setBusy(true);
    this.post(item.payload).then(function (answer) {
      if (generation !== self.generation) {
        return;
      }
      self.setBusy(false);
      var first = null;
      answer.messages.forEach(function (message) {
        var node = self.addBotMessage(message);
        first = first || node;
      });
      self.scrollTo(first);
    }, function (err) {
      if (generation !== self.generation) {
        return;
      }
      self.setBusy(false);
      bubble.parentNode.removeChild(bubble);
      self.setChoicesEnabled(disabled, true);
      var text = err.message;
      if (item.typed) {
        if (!self.input.value) {
          self.input.value = item.shown;
        }
        text += " " + T.keptTyped;
      }
      self.showError(text, T.retry, function () {
        if (item.typed) {
          var now = self.input.value.trim() || item.shown;
          self.send({ shown: now, payload: now, typed: true });
        } else {
          self.send(item);
        }
      }, err.retry, err.help);
    });
  };

  Chat.prototype.startNew = function () {
    this.generation += 1;
    this.setBusy(false);
    this.hideError();
    this.forgetId();
    this.clearLog();
    this.addIntro();
    this.input.focus();
  };

  Chat.prototype.erase = function () {
    var self = this;
    this.generation += 1;
    var generation = this.generation;
    var conversationId = this.conversationId; // finish erasing this one, whatever comes next
    this.hideError();
    this.setBusy(true, T.erasing);
    this.post("/vergeetmij", conversationId).then(function () {
      return self.post("/affirm", conversationId);
    }).then(function (answer) {
      if (generation !== self.generation) {
        return;
      }
      self.setBusy(false);
      if (!answer.erased) {
        // No explicit confirmation from the bot: nothing may have been erased. Keep the
        // conversation (and its id), show what the bot said, and offer to try again.
        var first = null;
        answer.messages.forEach(function (message) {
          var node = self.addBotMessage(message);
          first = first || node;
        });
        self.scrollTo(first);
        self.showError(T.eraseNotConfirmed, T.retryErase, function () {
          self.erase();
        }, true, false);
        return;
      }
      self.clearLog();
      self.forgetId();
      var texts = answer.messages.filter(function (m) { return m && m.text; });
      if (texts.length) {
        texts.forEach(function (m) { self.addBubble("bot", m.text, "gz-erased"); });
      } else {
        self.addBubble("bot", T.erased, "gz-erased");
      }
      self.input.focus();
    }, function (err) {
      if (generation !== self.generation) {
        return;
      }
      self.setBusy(false);
      self.showError(T.eraseFailed + " " + err.message, T.retryErase, function () {
        self.erase();
      }, err.retry, err.help);
    });
  };

  return {
    texts: T,
    linkify: linkify,
    /** Build the chat inside ``root``; returns the component (also as ``root.gzChat``). */
    mount: function (root, options) {
      var chat = new Chat(root, options || {});
      root.gzChat = chat;
      return chat;
    }
  };
})();
