/**
 * @file AppArmor policy language (apparmor.d) grammar for tree-sitter
 * @author armorsmith developers
 * @license MIT
 *
 * The grammar follows upstream apparmor_parser (parser_lex.l, parser_yacc.y)
 * as inventoried in the project's reference apparmor-language.md.  It parses
 * what the upstream lexer and parser accept syntactically; checks that
 * upstream performs after parsing (capability names, flag values, glob
 * balance, variable definitions ...) belong to the semantic layer.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Section - Vocabulary

// Permission words of the rule kinds whose lexer state knows them
// (parser_lex.l, UNIX/NETWORK/MQUEUE/DBUS/SIGNAL/PTRACE modes).
const NETWORK_ACCESS = [
  'create', 'bind', 'listen', 'accept', 'connect', 'shutdown', 'getattr',
  'setattr', 'getopt', 'setopt', 'send', 'receive', 'read', 'write',
  'r', 'w', 'rw', 'wr',
];
const SIGNAL_ACCESS = ['send', 'receive', 'read', 'write', 'r', 'w', 'rw', 'wr'];
const PTRACE_ACCESS = ['read', 'readby', 'trace', 'tracedby', 'write', 'r', 'w', 'rw', 'wr'];
const DBUS_ACCESS = ['send', 'receive', 'bind', 'eavesdrop', 'read', 'write', 'r', 'w', 'rw', 'wr'];
const MQUEUE_ACCESS = ['create', 'open', 'delete', 'read', 'write', 'getattr', 'setattr', 'r', 'w', 'rw', 'wr'];
const USERNS_ACCESS = ['create'];
const IO_URING_ACCESS = ['sqpoll', 'override_creds'];

// Keywords that open a rule, a qualifier or a block (parser_misc.c keyword table).
const RULE_KEYWORDS = [
  'abi', 'alias', 'all', 'allow', 'audit', 'capability', 'change_profile', 'dbus', 'deny',
  'file', 'hat', 'if', 'include', 'io_uring', 'link', 'mount', 'mqueue', 'network', 'other',
  'owner', 'pivot_root', 'priority', 'profile', 'prompt', 'ptrace', 'remount', 'rewrite',
  'set', 'signal', 'umount', 'unix', 'unmount', 'user', 'userns',
];

module.exports = grammar({
  name: 'apparmor',


  externals: $ => [
    $._perms_start,
    $._assign_end,
    $._path_start,
    $._ids_start,
    $._ids_text,
    $._noeq_text,
    $._list_start,
    $._list_text,
    $.file_mode,
    $.exec_mode,
    $._post_var_text,
    $._mode_start,
    $.implicit_rule_end,
    $._error_sentinel,
  ],

  extras: $ => [
    /\s/,
    /\\\r?\n/,
    $.comment,
  ],

  supertypes: $ => [
    $._rule,
  ],

  word: $ => $.identifier,

  // Words that open a rule or a block cannot be names inside a rule, as in
  // upstream's INITIAL lexer state, where the keyword table wins over IDs.
  // Besides matching upstream, this keeps a rule whose ',' is missing from
  // swallowing the keyword of the next one.  Places where upstream lexes a
  // word as a condition name or value first use the empty set.
  reserved: {
    global: _ => RULE_KEYWORDS,
    none: _ => [],
  },

  rules: {

    source_file: $ => repeat($._top_item),

    _top_item: $ => choice(
      $.variable_assignment,
      $.boolean_assignment,
      $.alias_rule,
      alias($.path_profile, $.profile),
      $._body_item,
    ),

    // Section - Preamble

    comment: _ => token(prec(-1, /#.*/)),

    include: $ => seq(
      field('keyword', choice('include', token(prec(2, '#include')))),
      optional(field('if_exists', $.if_exists)),
      field('path', choice($.magic_path, $.string, $.include_path)),
    ),

    if_exists: _ => token(seq('if', /[ \t]+/, 'exists')),

    // '<name>' or '<"quoted name">', searched on the include path.
    magic_path: _ => token(seq('<', choice(/[^"<>\t\r\n]+/, /"([^"\\\n]|\\.)*"/), '>')),

    include_path: _ => /[^\s"!,<>#][^\s"!,<>]*/,

    abi: $ => seq(
      'abi',
      field('path', choice($.magic_path, $.string, $.include_path)),
      $._rule_end,
    ),

    variable_assignment: $ => seq(
      field('name', $.variable),
      field('operator', $.assignment_operator),
      repeat1(field('value', $._assign_value)),
      $._assign_end,
    ),

    _assign_value: $ => choice($.value, $.string),

    assignment_operator: _ => choice('=', '+=', '?=', ':='),

    boolean_assignment: $ => seq(
      field('name', $.boolean_variable),
      field('operator', $.assignment_operator),
      field('value', $._expression),
      $._assign_end,
    ),

    alias_rule: $ => seq(
      choice('alias', 'rewrite'),
      field('from', $.path),
      '->',
      field('to', $.path),
      $._rule_end,
    ),

    // Section - Profiles

    // A profile introduced by the `profile` keyword, at top level or nested.
    profile: $ => seq(
      'profile',
      field('name', $.profile_name),
      optional(field('attachment', $._file_path)),
      optional($._profile_header_tail),
      field('body', $.block),
    ),

    // A top-level profile whose name is a path or label (no keyword).
    path_profile: $ => seq(
      field('name', alias(choice($._label_path, $.string), $.profile_name)),
      optional(field('attachment', $._file_path)),
      optional($._profile_header_tail),
      field('body', $.block),
    ),

    hat: $ => seq(
      choice(
        seq('^', field('name', alias($._immediate_name, $.profile_name))),
        seq('hat', field('name', $.profile_name)),
      ),
      optional(field('attachment', $._file_path)),
      optional($._profile_header_tail),
      field('body', $.block),
    ),

    _profile_header_tail: $ => choice(
      seq(field('xattrs', $.xattrs), repeat(field('identities', $.identities)), optional(field('flags', $.flags))),
      seq(repeat1(field('identities', $.identities)), optional(field('flags', $.flags))),
      field('flags', $.flags),
    ),

    profile_name: $ => choice($.value, $.string),

    _immediate_name: $ => seq(
      choice($._ids_text, alias($._immediate_variable, $.variable)),
      repeat($._ids_piece),
    ),

    xattrs: $ => seq('xattrs', '=', '(', repeat(choice($.conditional_item, ',')), ')'),

    identities: $ => seq('+', 'identities', '=', listOf($._list_value)),

    flags: $ => seq(optional(seq('flags', '=')), listOf(alias($._list_value, $.flag))),

    block: $ => seq('{', repeat($._body_item), '}'),

    _body_item: $ => choice(
      $.include,
      $.abi,
      $._rule,
      $.profile,
      $.hat,
      $.qualifier_block,
      $.if_block,
    ),

    qualifier_block: $ => seq(optional(field('qualifiers', $.qualifiers)), field('body', $.block)),

    // Section - Conditionals

    if_block: $ => seq(
      'if',
      field('condition', $._expression),
      field('consequence', $.block),
      optional(field('alternative', $.else_clause)),
    ),

    else_clause: $ => seq('else', choice($.block, $.if_block)),

    _expression: $ => choice(
      $.binary_expression,
      $.unary_expression,
      $.defined_expression,
      $.comparison,
      $.parenthesized_expression,
      $.boolean_variable,
      alias($.identifier, $.boolean_literal),
    ),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    binary_expression: $ => choice(
      prec.left(1, seq(field('left', $._expression), field('operator', 'or'), field('right', $._expression))),
      prec.left(2, seq(field('left', $._expression), field('operator', 'and'), field('right', $._expression))),
    ),

    unary_expression: $ => prec(3, seq(field('operator', 'not'), field('argument', $._expression))),

    defined_expression: $ => seq('defined', field('argument', choice($.variable, $.boolean_variable))),

    comparison: $ => prec(4, seq(
      field('left', $._operand),
      field('operator', choice('==', '!=', 'in', '>', '>=', '<', '<=')),
      field('right', $._operand),
    )),

    _operand: $ => choice(
      prec(1, $.variable),
      $.boolean_variable,
      alias($.identifier, $.value),
      $.number,
      $.string,
      $.path,
    ),

    // Section - Rules

    _rule: $ => choice(
      $.file_rule,
      $.link_rule,
      $.capability_rule,
      $.network_rule,
      $.unix_rule,
      $.signal_rule,
      $.ptrace_rule,
      $.dbus_rule,
      $.mount_rule,
      $.remount_rule,
      $.umount_rule,
      $.pivot_root_rule,
      $.change_profile_rule,
      $.rlimit_rule,
      $.userns_rule,
      $.io_uring_rule,
      $.mqueue_rule,
      $.all_rule,
    ),

    qualifiers: $ => choice(
      seq($.priority, optional($._audit), optional($._mode_qualifier), optional($._owner)),
      seq($._audit, optional($._mode_qualifier), optional($._owner)),
      seq($._mode_qualifier, optional($._owner)),
      $._owner,
    ),

    _audit: _ => 'audit',
    _mode_qualifier: _ => choice('allow', 'deny', 'prompt'),
    _owner: _ => choice('owner', 'user', 'other'),

    priority: $ => seq('priority', '=', field('value', $.number)),

    file_rule: $ => seq(
      qualified($),
      choice(
        seq('file', $._rule_end),
        seq(
          optional('file'),
          optional(field('exec_safety', choice('safe', 'unsafe'))),
          choice(
            // Permissions are optional here only so that a half-typed path
            // followed by the next rule still parses; the syntax layer reports
            // the missing permissions as upstream's syntax error.
            seq(field('path', $._file_path), optional(field('permissions', $.permissions))),
            seq(field('permissions', $.permissions), optional('subset'), field('path', $._file_path)),
          ),
          optional(seq('->', field('target', $.profile_ref))),
          $._rule_end,
        ),
      ),
    ),

    _file_path: $ => choice($.path, $.string),

    // A rule ends with ','.  When the ',' is missing at the end of a line and the
    // next line starts another rule, the scanner ends the rule with a zero-width
    // `implicit_rule_end`, which the syntax layer reports as a missing ','; the
    // next rule then parses normally.
    _rule_end: $ => choice(',', $.implicit_rule_end),

    permissions: $ => seq(
      $._perms_start,
      repeat1(choice($.file_mode, $.exec_mode)),
    ),

    link_rule: $ => seq(
      qualified($),
      'link',
      optional('subset'),
      field('path', $._file_path),
      '->',
      field('target', $._file_path),
      $._rule_end,
    ),

    capability_rule: $ => seq(
      qualified($),
      'capability',
      repeat(field('name', alias($.identifier, $.capability_name))),
      $._rule_end,
    ),

    network_rule: $ => seq(
      qualified($),
      'network',
      optional(field('permissions', access($, 'network', NETWORK_ACCESS))),
      optional(seq(
        // NETWORK_MODE has no rule keywords: `network unix,` names a family.
        field('domain', alias(reserved('none', $.identifier), $.network_name)),
        optional(field('type', alias(reserved('none', $.identifier), $.network_name))),
      )),
      repeat($._conditional),
      $._rule_end,
    ),

    unix_rule: $ => seq(
      qualified($),
      'unix',
      optional(field('permissions', access($, 'unix', NETWORK_ACCESS))),
      repeat($._conditional),
      $._rule_end,
    ),

    signal_rule: $ => seq(
      qualified($),
      'signal',
      optional(field('permissions', access($, 'signal', SIGNAL_ACCESS))),
      repeat($._conditional),
      $._rule_end,
    ),

    ptrace_rule: $ => seq(
      qualified($),
      'ptrace',
      optional(field('permissions', access($, 'ptrace', PTRACE_ACCESS))),
      repeat($._conditional),
      $._rule_end,
    ),

    dbus_rule: $ => seq(
      qualified($),
      'dbus',
      optional(field('permissions', access($, 'dbus', DBUS_ACCESS))),
      repeat($._conditional),
      $._rule_end,
    ),

    mount_rule: $ => seq(
      qualified($),
      'mount',
      repeat($._conditional),
      optional(field('source', $._mode_value)),
      optional(seq('->', repeat($._conditional), field('mountpoint', $._mode_value))),
      $._rule_end,
    ),

    remount_rule: $ => seq(
      qualified($),
      'remount',
      repeat($._conditional),
      optional(field('mountpoint', $._mode_value)),
      $._rule_end,
    ),

    umount_rule: $ => seq(
      qualified($),
      choice('umount', 'unmount'),
      repeat($._conditional),
      optional(field('mountpoint', $._mode_value)),
      $._rule_end,
    ),

    pivot_root_rule: $ => seq(
      qualified($),
      'pivot_root',
      repeat($._conditional),
      optional(field('new_root', $._file_path)),
      optional(seq('->', field('target', $.profile_ref))),
      $._rule_end,
    ),

    change_profile_rule: $ => seq(
      qualified($),
      'change_profile',
      optional(field('exec_safety', choice('safe', 'unsafe'))),
      optional(field('exec', $._file_path)),
      optional(seq('->', field('target', $.profile_ref))),
      $._rule_end,
    ),

    rlimit_rule: $ => seq(
      'set',
      'rlimit',
      field('name', alias($.identifier, $.rlimit_name)),
      '<=',
      field('value', choice($.number, alias($.identifier, $.rlimit_value))),
      optional(field('unit', alias($.identifier, $.unit))),
      $._rule_end,
    ),

    userns_rule: $ => seq(
      qualified($),
      'userns',
      optional(field('permissions', access($, 'userns', USERNS_ACCESS))),
      $._rule_end,
    ),

    io_uring_rule: $ => seq(
      qualified($),
      'io_uring',
      optional(field('permissions', access($, 'io_uring', IO_URING_ACCESS))),
      repeat($._conditional),
      $._rule_end,
    ),

    mqueue_rule: $ => seq(
      qualified($),
      'mqueue',
      optional(field('permissions', access($, 'mqueue', MQUEUE_ACCESS))),
      repeat($._conditional),
      optional(field('name', $._mode_value)),
      $._rule_end,
    ),

    all_rule: $ => seq(qualified($), 'all', $._rule_end),

    // Section - Conditionals of rules (`name=value`, `name in (...)`, peer=(...))

    _conditional: $ => choice($.conditional, $.conditional_group),

    conditional: $ => choice(
      seq(
        field('name', reserved('none', $.identifier)),
        choice(
          seq(field('operator', choice('=', ':=')), field('value', choice($.value, $.string, $.value_list))),
          seq(field('operator', 'in'), field('value', $.value_list)),
        ),
      ),
      // `peer=` followed by '(' always opens a group (the lexer decides).
      seq(
        field('name', alias('peer', $.identifier)),
        field('operator', '='),
        field('value', choice($.value, $.string)),
      ),
    ),

    // peer=( ... ) holds conditionals of its own (LIST_COND_MODE).
    conditional_group: $ => seq(
      field('name', alias('peer', $.identifier)),
      '=',
      '(',
      repeat(choice($.conditional_item, ',')),
      ')',
    ),

    conditional_item: $ => seq(
      field('name', $._cond_name),
      optional(seq(
        field('operator', choice('=', ':=')),
        field('value', choice($._list_value, $.value_list)),
      )),
    ),

    _cond_name: $ => seq(
      choice(reserved('none', $.identifier), $.number),
      repeat($._noeq_text),
    ),

    value_list: $ => listOf($._list_value),

    // Section - Values, paths and labels

    // A path: text starting with '/' (or a label's ':' or '&'), or a
    // variable, followed by text, variables and globs with no space between.
    path: $ => choice(
      $._label_path,
      $.variable,
    ),

    // A path that is a label token upstream (not a bare variable): the names
    // of top-level profiles must be one.
    _label_path: $ => choice(
      seq($._path_start, repeat($._ids_piece)),
      seq(
        $.variable,
        choice($._post_var_text, alias($._immediate_variable, $.variable), alias($._immediate_glob, $.glob)),
        repeat($._ids_piece),
      ),
    ),

    // A generic value (upstream IDS): any non-blank text.
    value: $ => seq(
      choice($._ids_start, $.variable, $.glob),
      repeat($._ids_piece),
    ),

    _ids_piece: $ => choice(
      $._ids_text,
      alias($._immediate_variable, $.variable),
      alias($._immediate_glob, $.glob),
    ),

    // A value inside a parenthesised list (no ',', '(' or ')').
    _list_value: $ => choice(
      alias($._list_item, $.value),
      $.string,
    ),

    _list_item: $ => seq(
      choice($._list_start, $.variable, $.glob, reserved('none', $.identifier), $.number),
      repeat(choice(
        $._list_text,
        alias($._immediate_variable, $.variable),
        alias($._immediate_glob, $.glob),
      )),
    ),

    // The target of '->': a profile name, label or glob over them.
    profile_ref: $ => choice($.value, $.string),

    // An identifier-like token inside a rule whose lexer state has keywords
    // (mount points, mqueue names): upstream IDS_NOEQ or LABEL.
    _mode_value: $ => choice(
      $.path,
      $.string,
      alias($._mode_word, $.path),
    ),

    _mode_word: $ => seq(
      choice($.identifier, $.number, $.glob, $._mode_start),
      repeat(choice(
        $._noeq_text,
        alias($._immediate_variable, $.variable),
        alias($._immediate_glob, $.glob),
      )),
    ),

    // Variable names start with a letter (upstream VARIABLE_NAME).
    variable: _ => token(/@\{[A-Za-z][A-Za-z0-9_]*\}|@[A-Za-z][A-Za-z0-9_]*/),
    _immediate_variable: _ => token.immediate(/@\{[A-Za-z][A-Za-z0-9_]*\}/),

    boolean_variable: _ => token(/\$\{[A-Za-z][A-Za-z0-9_]*\}|\$[A-Za-z][A-Za-z0-9_]*/),

    glob: _ => token(/[*?]+/),
    _immediate_glob: _ => token.immediate(/[*?]+/),

    string: _ => token(seq('"', repeat(choice(/[^"\\]+/, /\\(.|\n)/)), '"')),

    number: _ => /[+-]?[0-9]+/,

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    ...accessListRules({
      network: NETWORK_ACCESS,
      unix: NETWORK_ACCESS,
      signal: SIGNAL_ACCESS,
      ptrace: PTRACE_ACCESS,
      dbus: DBUS_ACCESS,
      mqueue: MQUEUE_ACCESS,
      userns: USERNS_ACCESS,
      io_uring: IO_URING_ACCESS,
    }),
  },
});

/**
 * Grammar rules for the permission part of the non-file rule kinds: one
 * access word, or a parenthesised list of them (commas and blanks separate
 * the words, as in upstream's LIST_VAL_MODE).  Each kind gets a hidden rule
 * `_<kind>_access_list`, shown as `access_list`.
 *
 * @param {Object<string, string[]>} kinds
 * @returns {Object<string, RuleBuilder<string>>}
 */
function accessListRules(kinds) {
  /** @type {Object<string, RuleBuilder<string>>} */
  const rules = {};
  for (const [kind, words] of Object.entries(kinds)) {
    rules[`_${kind}_access_list`] = $ => seq(
      '(',
      repeat(choice(alias(words.length === 1 ? words[0] : choice(...words), $.access), ',')),
      ')',
    );
  }
  return rules;
}

/**
 * The permission part of a non-file rule of the given kind.
 *
 * @param {GrammarSymbols<string>} $
 * @param {string} kind
 * @param {string[]} words
 * @returns {RuleOrLiteral}
 */
function access($, kind, words) {
  return choice(
    alias(words.length === 1 ? words[0] : choice(...words), $.access),
    alias($[`_${kind}_access_list`], $.access_list),
  );
}

/**
 * A parenthesised list of at least one item; commas and blanks separate the
 * items (upstream LIST_VAL_MODE eats commas).
 *
 * @param {RuleOrLiteral} item
 * @returns {RuleOrLiteral}
 */
function listOf(item) {
  return seq('(', repeat(','), item, repeat(choice(item, ',')), ')');
}

/**
 * The optional rule prefix (`priority=`, `audit`, `allow`/`deny`/`prompt`,
 * `owner`/`user`/`other`) that most rule kinds accept.
 *
 * @param {GrammarSymbols<string>} $
 * @returns {RuleOrLiteral}
 */
function qualified($) {
  return optional(field('qualifiers', $.qualifiers));
}
