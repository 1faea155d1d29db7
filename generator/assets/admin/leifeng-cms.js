/* The site's editor: connects Decap CMS (window.CMS) to the repository's own files.
 *
 * Loaded after decap-cms.js and js-yaml (window.jsyaml), with the page's data
 * in <script id="lf-cms-data"> (written by generator/assets/cms.py):
 *  - Chinese UI strings that Decap leaves in English, added to its locale;
 *  - formats that read and write records as the repository keeps them: plain
 *    YAML, stories as Markdown with front matter, no `id` key (the file name is
 *    the id), no empty values;
 *  - the "编号" widget: typed once for a new record, shown for the others;
 *  - the preview pane: a story and a volunteer in the site's own markup and CSS.
 */
(function () {
  'use strict';
  var CMS = window.CMS;
  var yaml = window.jsyaml;
  var h = window.h;
  var data = JSON.parse(document.getElementById('lf-cms-data').textContent);
  var s = data.strings;

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        target[key] = merge(target[key] && typeof target[key] === 'object' ? target[key] : {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  // --- UI strings -----------------------------------------------------------
  CMS.registerLocale(data.locale, merge(merge({}, CMS.getLocale(data.locale) || {}), data.phrases));

  // --- files as the repository keeps them -------------------------------------
  var ID = 'id';

  function isEmpty(value) {
    if (value === undefined || value === null || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return Object.keys(value).length === 0;
    return false;
  }

  // Empty values are left out: the models read a missing field as its default.
  function prune(value) {
    if (Array.isArray(value)) {
      return value.map(prune).filter(function (item) { return !isEmpty(item); });
    }
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (key) {
        var item = prune(value[key]);
        if (!isEmpty(item)) out[key] = item;
      });
      return out;
    }
    return typeof value === 'string' ? value.replace(/\s+$/, '') : value;
  }

  // The record's fields in the order of the form (the order of the models).
  function ordered(record, order) {
    var out = {};
    (order || []).forEach(function (key) {
      if (key in record) out[key] = record[key];
    });
    Object.keys(record).forEach(function (key) {
      if (!(key in out)) out[key] = record[key];
    });
    return out;
  }

  function fields(record, order, skip) {
    var copy = {};
    Object.keys(record || {}).forEach(function (key) {
      if (key !== ID && skip.indexOf(key) < 0) copy[key] = record[key];
    });
    return ordered(prune(copy), order);
  }

  function dump(record) {
    return isEmpty(record) ? '' : yaml.dump(record, { lineWidth: -1, noRefs: true });
  }

  function load(text) {
    var record = yaml.load(text || '');
    return record && typeof record === 'object' && !Array.isArray(record) ? record : {};
  }

  CMS.registerCustomFormat('leifeng-yaml', 'yaml', {
    fromFile: load,
    toFile: function (record, order) {
      return dump(fields(record, order, []));
    },
  });

  // The same split as generator/content/sources.py: `---`, YAML, `---` (or `...`), body.
  var FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

  CMS.registerCustomFormat('leifeng-frontmatter', 'md', {
    fromFile: function (text) {
      var match = FRONT_MATTER.exec(text || '');
      if (!match) return { body: text || '' };
      var record = load(match[1]);
      record.body = text.slice(match[0].length).replace(/^\r?\n/, '');
      return record;
    },
    toFile: function (record, order) {
      var body = String((record && record.body) || '').replace(/\s+$/, '');
      return '---\n' + dump(fields(record, order, ['body'])) + '---\n\n' + body + '\n';
    },
  });

  // --- the record's id ---------------------------------------------------------
  var IdControl = window.createClass({
    isNew: function () {
      return !!(this.props.entry && this.props.entry.get('newRecord'));
    },
    // Required and pattern checks read this: the typed id, or the file name of a saved record.
    getValidateValue: function () {
      return this.isNew() ? this.props.value || '' : this.props.entry.get('slug') || '';
    },
    render: function () {
      var props = this.props;
      if (!this.isNew()) {
        return h('div', { id: props.forID, className: props.classNameWrapper, 'data-lf-id': props.entry.get('slug') }, props.entry.get('slug'));
      }
      return h('input', {
        type: 'text',
        id: props.forID,
        className: props.classNameWrapper,
        value: props.value || '',
        autoComplete: 'off',
        autoCapitalize: 'off',
        spellCheck: false,
        onChange: function (event) { props.onChange(event.target.value.trim()); },
        onFocus: props.setActiveStyle,
        onBlur: props.setInactiveStyle,
      });
    },
  });
  var IdPreview = window.createClass({
    render: function () { return h('code', null, this.props.value || ''); },
  });
  CMS.registerWidget('leifeng-id', IdControl, IdPreview);

  // --- preview in the site's style ----------------------------------------------
  (data.previewStyles || []).forEach(function (href) { CMS.registerPreviewStyle(href); });

  function text(entry, key) {
    var value = entry.getIn(['data', key]);
    return value === undefined || value === null ? '' : String(value);
  }

  function chineseDate(value) {
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(value || '');
    return m ? m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : value;
  }

  // The site's content column (Material's margins and type), around a preview.
  function page() {
    return h('div', { className: 'md-content' }, h('div', { className: 'md-content__inner md-typeset' }, Array.prototype.slice.call(arguments)));
  }

  function asset(props, path) {
    var found = path && props.getAsset(path);
    return found ? found.toString() : '';
  }

  var StoryPreview = window.createClass({
    render: function () {
      var e = this.props.entry;
      var cover = asset(this.props, text(e, 'cover'));
      return page(
        h('article', { className: 'lf-story', 'data-lf-preview': 'story', key: 'story' },
          h('h1', { className: 'lf-title' }, text(e, 'title')),
          h('p', { className: 'lf-meta' },
            h('time', null, chineseDate(text(e, 'date'))),
            text(e, 'source') ? h('span', null, s.source + '：' + text(e, 'source')) : null,
            text(e, 'author') ? h('span', null, s.author + '：' + text(e, 'author')) : null),
          text(e, 'summary') ? h('p', { className: 'lf-lead' }, text(e, 'summary')) : null,
          cover ? h('figure', { className: 'lf-cover' },
            h('img', { src: cover, alt: text(e, 'cover_alt') }),
            text(e, 'cover_alt') ? h('figcaption', null, text(e, 'cover_alt')) : null) : null,
          h('div', { className: 'lf-body' }, this.props.widgetFor('body')),
          text(e, 'editor') ? h('p', { className: 'lf-editor' }, s.editor + '：' + text(e, 'editor')) : null));
    },
  });

  var VolunteerPreview = window.createClass({
    render: function () {
      var e = this.props.entry;
      var photo = asset(this.props, text(e, 'photo'));
      var facts = [];
      ['region', 'unit', 'position'].forEach(function (key) {
        if (text(e, key)) facts.push(h('dt', { key: key + '-t' }, s[key]), h('dd', { key: key + '-d' }, text(e, key)));
      });
      if (text(e, 'service_hours')) {
        facts.push(h('dt', { key: 'h-t' }, s.service_hours), h('dd', { key: 'h-d' }, text(e, 'service_hours') + ' ' + s.hours_unit));
      }
      return page(
        h('article', { className: 'lf-profile', 'data-lf-preview': 'volunteer', key: 'volunteer' },
          h('header', { className: 'lf-profile__head' },
            photo ? h('img', { className: 'lf-profile__photo', src: photo, alt: text(e, 'photo_alt'), width: 120 }) : null,
            h('div', null,
              h('h1', { className: 'lf-title' }, text(e, 'name')),
              text(e, 'headline') ? h('p', { className: 'lf-lead' }, text(e, 'headline')) : null)),
          facts.length ? h('dl', { className: 'lf-facts' }, facts) : null,
          text(e, 'quote') ? h('blockquote', { className: 'lf-quote' },
            h('p', null, text(e, 'quote')),
            h('footer', null, '—— ' + text(e, 'name') + '，' + s.quote)) : null,
          text(e, 'bio') ? h('section', { className: 'lf-section' },
            h('h2', null, s.bio),
            h('div', { className: 'lf-body' }, this.props.widgetFor('bio'))) : null));
    },
  });

  CMS.registerPreviewTemplate('stories', StoryPreview);
  CMS.registerPreviewTemplate('volunteers', VolunteerPreview);

  CMS.init();
})();
