/*
 * External scanner for the AppArmor policy language.
 *
 * It handles the tokens whose shape depends on context that a regular
 * expression cannot express without look-ahead, mirroring the Flex lexer of
 * upstream apparmor_parser (parser_lex.l):
 *
 * - PERMS_START: a zero-width marker placed before a run of file permission
 *   characters that upstream lexes as TOK_MODE, i.e. a run of MODE_CHARS that
 *   is followed by white space, ',' or the end of input ("all" excluded,
 *   since upstream lexes it as TOK_ALL).
 * - ASSIGN_END: the end of a variable assignment line (a newline, a comment
 *   or the end of input); a backslash before the newline continues the line.
 * - Text pieces of identifiers, paths and values.  Upstream identifiers may
 *   contain ',' only when a non-blank character follows it, and may contain
 *   '{', '}', '[' and ']' without balancing them (balance is checked after
 *   variable expansion), so these pieces are scanned here.  A text piece stops
 *   before '@{' (a variable reference) and before '*' or '?' (a glob), which
 *   the grammar lexes as their own nodes.
 *
 * - IMPLICIT_END: a zero-width end of a rule whose ',' is missing, emitted only
 *   where the next line plainly starts something else (a rule keyword, a hat,
 *   a '}' or the end of input).  The syntax layer reports it as a missing ','.
 *
 * The scanner keeps no state between tokens.
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  PERMS_START,
  ASSIGN_END,
  PATH_START,
  IDS_START,
  IDS_TEXT,
  NOEQ_TEXT,
  LIST_START,
  LIST_TEXT,
  FILE_MODE,
  EXEC_MODE,
  POST_VAR_TEXT,
  MODE_START,
  IMPLICIT_END,
  ERROR_SENTINEL,
};

/* The flavours of text piece, one for each upstream lexer state family. */
enum TextKind {
  TEXT_IDS,  /* IDS: any character but blanks, '"', '!' and a lone ','. */
  TEXT_NOEQ, /* IDS_NOEQ: as IDS, but '=' and ')' end the piece. */
  TEXT_LIST, /* LIST_VALUE_ID: no ',', '(' or ')' at all. */
};

void *tree_sitter_apparmor_external_scanner_create(void) { return NULL; }
void tree_sitter_apparmor_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_apparmor_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_apparmor_external_scanner_deserialize(void *payload, const char *buffer,
                                                        unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static inline bool is_space(int32_t c) { return is_blank(c) || c == '\n'; }

static inline bool is_single_mode(int32_t c) {
  switch (c) {
    case 'R': case 'r': case 'W': case 'w': case 'a': case 'L': case 'l':
    case 'M': case 'm': case 'k': case 'X': case 'x':
      return true;
    default:
      return false;
  }
}
static inline bool is_pc(int32_t c) { return c == 'p' || c == 'P' || c == 'c' || c == 'C'; }
static inline bool is_iu(int32_t c) { return c == 'i' || c == 'I' || c == 'u' || c == 'U'; }
static inline bool is_x(int32_t c) { return c == 'x' || c == 'X'; }
static inline bool is_alnum_(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static inline bool is_mode_char(int32_t c) { return is_single_mode(c) || is_pc(c) || is_iu(c); }

/* Skips white space and returns whether a newline was among it. */
static bool skip_space(TSLexer *lexer) {
  bool newline = false;
  while (is_space(lexer->lookahead)) {
    if (lexer->lookahead == '\n') newline = true;
    lexer->advance(lexer, true);
  }
  return newline;
}

/*
 * Checks, without consuming the token, that the word ahead is a run of
 * MODE_CHARS ending at white space, ',' or the end of input.  The run is
 * split greedily into upstream's MODE_CHARS alternatives, which is exact
 * because no alternative is a proper prefix of a longer one that could
 * fail later.
 */
static bool scan_perms_start(TSLexer *lexer) {
  lexer->mark_end(lexer);
  int32_t buf[4];
  unsigned len = 0;
  unsigned total = 0;
  while (!lexer->eof(lexer) && is_mode_char(lexer->lookahead)) {
    if (len < 4) buf[len] = lexer->lookahead;
    len++;
    total++;
    lexer->advance(lexer, false);
  }
  if (total == 0) return false;
  if (!(lexer->eof(lexer) || is_space(lexer->lookahead) || lexer->lookahead == ',')) return false;
  if (total == 3 && buf[0] == 'a' && buf[1] == 'l' && buf[2] == 'l') return false;
  /* The run has only mode characters; it must also split into MODE_CHARS.
   * Re-validating needs the characters, which the lexer cannot rewind to, so
   * the split is checked by the grammar's immediate tokens instead: a run
   * that does not split leaves an ERROR node there, as upstream reports a
   * syntax error for it. */
  return true;
}

/*
 * Scans one piece of a permission run: a run of plain access characters
 * (FILE_MODE) or one exec transition modifier (EXEC_MODE).
 */
static bool scan_mode_piece(TSLexer *lexer, const bool *valid_symbols) {
  int32_t c = lexer->lookahead;
  if (valid_symbols[FILE_MODE] && is_single_mode(c) && !is_x(c)) {
    while (is_single_mode(lexer->lookahead) && !is_x(lexer->lookahead)) lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    lexer->result_symbol = FILE_MODE;
    return true;
  }
  if (!valid_symbols[EXEC_MODE]) return false;
  if (is_pc(c)) {
    lexer->advance(lexer, false);
    if (is_iu(lexer->lookahead)) lexer->advance(lexer, false);
    if (!is_x(lexer->lookahead)) return false;
  } else if (is_iu(c)) {
    lexer->advance(lexer, false);
    if (!is_x(lexer->lookahead)) return false;
  } else if (!is_x(c)) {
    return false;
  }
  lexer->advance(lexer, false);
  lexer->mark_end(lexer);
  lexer->result_symbol = EXEC_MODE;
  return true;
}

/* Scans a newline-terminated assignment end. */
static bool scan_assign_end(TSLexer *lexer) {
  for (;;) {
    while (is_blank(lexer->lookahead)) lexer->advance(lexer, true);
    if (lexer->lookahead == '\\') {
      /* A backslash-newline continues the value list. */
      lexer->advance(lexer, true);
      if (lexer->lookahead == '\r') lexer->advance(lexer, true);
      if (lexer->lookahead == '\n') {
        lexer->advance(lexer, true);
        continue;
      }
      return false;
    }
    break;
  }
  if (lexer->eof(lexer)) {
    lexer->mark_end(lexer);
    return true;
  }
  if (lexer->lookahead == '\n') {
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    return true;
  }
  if (lexer->lookahead == '#') {
    /* A comment ends the assignment; the comment itself is an extra. */
    lexer->mark_end(lexer);
    return true;
  }
  return false;
}

static inline bool stops_text(int32_t c, enum TextKind kind) {
  if (is_space(c) || c == '"' || c == '!' || c == 0) return true;
  if (c == '*' || c == '?') return true;
  if (kind == TEXT_NOEQ && (c == '=' || c == ')')) return true;
  if (kind == TEXT_LIST && (c == '(' || c == ')')) return true;
  return false;
}

/*
 * Scans one text piece of the given kind and returns whether it consumed
 * anything.  The token ends before a variable reference or a glob, so the
 * lexer's mark_end is kept one step behind when looking ahead at '@' and ','.
 */
static bool scan_text(TSLexer *lexer, enum TextKind kind) {
  bool any = false;
  for (;;) {
    if (lexer->eof(lexer)) break;
    int32_t c = lexer->lookahead;
    if (c == ',') {
      if (kind == TEXT_LIST) break;
      lexer->mark_end(lexer);
      lexer->advance(lexer, false);
      int32_t n = lexer->lookahead;
      if (lexer->eof(lexer) || is_space(n) || n == ',' || n == '"' || n == '!') {
        /* A lone ',' ends the rule; the token stops before it. */
        return any;
      }
      any = true;
      lexer->mark_end(lexer);
      continue;
    }
    if (c == '@') {
      lexer->mark_end(lexer);
      lexer->advance(lexer, false);
      if (lexer->lookahead == '{') return any;
      any = true;
      lexer->mark_end(lexer);
      continue;
    }
    if (c == '\\') {
      lexer->advance(lexer, false);
      if (lexer->eof(lexer) || lexer->lookahead == '\n') {
        /* A trailing backslash stays in the token; validation reports it. */
        any = true;
        lexer->mark_end(lexer);
        break;
      }
      lexer->advance(lexer, false);
      any = true;
      lexer->mark_end(lexer);
      continue;
    }
    if (stops_text(c, kind)) break;
    if (c == ':' && kind == TEXT_NOEQ) {
      /* `label:=x` inside peer=(): ':=' ends a condition name (LIST_COND_MODE). */
      lexer->mark_end(lexer);
      lexer->advance(lexer, false);
      if (lexer->lookahead == '=') return any;
      any = true;
      lexer->mark_end(lexer);
      continue;
    }
    lexer->advance(lexer, false);
    any = true;
    lexer->mark_end(lexer);
  }
  return any;
}

/*
 * Words that start a rule, a block or a profile and never continue a rule: the
 * grammar's reserved words plus the words of includes and hats.
 */
static const char *const RULE_START_WORDS[] = {
  "abi", "alias", "all", "allow", "audit", "capability", "change_profile", "dbus", "deny",
  "file", "hat", "if", "include", "io_uring", "link", "mount", "mqueue", "network", "other",
  "owner", "pivot_root", "priority", "profile", "prompt", "ptrace", "remount", "rewrite",
  "set", "signal", "umount", "unix", "unmount", "user", "userns",
};

/* What the first token of a new line is, as far as ending a rule goes. */
enum LineStart {
  LINE_CONTINUES, /* anything that may continue the rule (or is scanned later) */
  LINE_NEW_ITEM,  /* a rule keyword, '#include', a hat, '}' or the end of input */
  LINE_PERMS,     /* a run of file permissions, where the parser expects one */
};

static bool is_rule_start_word(const char *word) {
  for (unsigned i = 0; i < sizeof(RULE_START_WORDS) / sizeof(RULE_START_WORDS[0]); i++) {
    const char *candidate = RULE_START_WORDS[i];
    unsigned j = 0;
    while (candidate[j] && candidate[j] == word[j]) j++;
    if (candidate[j] == 0 && word[j] == 0) return true;
  }
  return false;
}

/* Returns whether `word` splits into upstream's MODE_CHARS (greedily). */
static bool is_mode_run(const char *word) {
  if (word[0] == 'a' && word[1] == 'l' && word[2] == 'l' && word[3] == 0) return false;
  for (unsigned i = 0; word[i];) {
    if (is_single_mode(word[i])) {
      i += 1;
    } else if (is_pc(word[i]) && is_x(word[i + 1])) {
      i += 2;
    } else if (is_pc(word[i]) && is_iu(word[i + 1]) && is_x(word[i + 2])) {
      i += 3;
    } else if (is_iu(word[i]) && is_x(word[i + 1])) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

/*
 * Classifies the input at the lexer's position, the first token of a new line.
 * The caller has marked the token end already, so reading ahead is free.
 */
static enum LineStart classify_line_start(TSLexer *lexer, const bool *valid_symbols) {
  if (lexer->eof(lexer)) return LINE_NEW_ITEM;
  int32_t c = lexer->lookahead;
  if (c == '}' || c == '^') return LINE_NEW_ITEM;
  if (c == '/' || c == '@') {
    bool continues = valid_symbols[PATH_START] || valid_symbols[IDS_START] || valid_symbols[MODE_START];
    return continues ? LINE_CONTINUES : LINE_NEW_ITEM;
  }
  if (c == '#') {
    lexer->advance(lexer, false);
    for (const char *p = "include"; *p; p++) {
      if (lexer->lookahead != *p) return LINE_CONTINUES;
      lexer->advance(lexer, false);
    }
    return LINE_NEW_ITEM;
  }
  char word[24];
  unsigned len = 0;
  while (!lexer->eof(lexer) && is_alnum_(lexer->lookahead)) {
    if (len + 1 >= sizeof(word)) return LINE_CONTINUES;
    word[len++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  word[len] = 0;
  if (len == 0) return LINE_CONTINUES;
  bool ends = lexer->eof(lexer) || is_space(lexer->lookahead) || lexer->lookahead == ',';
  if (is_rule_start_word(word)) {
    /* `set=(hup)` is a condition of the rule, `set rlimit` a new rule. */
    while (is_blank(lexer->lookahead)) lexer->advance(lexer, false);
    return lexer->lookahead == '=' ? LINE_CONTINUES : LINE_NEW_ITEM;
  }
  if (valid_symbols[PERMS_START] && ends && is_mode_run(word)) return LINE_PERMS;
  return LINE_CONTINUES;
}

/* Scans an immediate continuation piece of the kind the parser expects. */
static bool scan_continuation(TSLexer *lexer, const bool *valid_symbols) {
  enum TextKind kind = valid_symbols[LIST_TEXT]   ? TEXT_LIST
                       : valid_symbols[NOEQ_TEXT] ? TEXT_NOEQ
                                                  : TEXT_IDS;
  enum TokenType sym = valid_symbols[POST_VAR_TEXT] ? POST_VAR_TEXT
                       : kind == TEXT_LIST          ? LIST_TEXT
                       : kind == TEXT_NOEQ          ? NOEQ_TEXT
                                                    : IDS_TEXT;
  if (sym == POST_VAR_TEXT) {
    /* Right after a leading variable, '=' and '+' start assignment
     * operators: upstream's POST_VAR_ID excludes them from labels. */
    if (lexer->lookahead == '=' || lexer->lookahead == '+') return false;
  }
  if (scan_text(lexer, kind)) {
    lexer->result_symbol = sym;
    return true;
  }
  return false;
}

/*
 * Scans the first text piece of a generic value (IDS_START, after '=', '->',
 * 'profile' ...) or of a list value (LIST_START).  A value may start with '@'
 * when no '{' follows; '@{' starts a variable, lexed by the grammar.
 */
static bool scan_value_start(TSLexer *lexer, bool list) {
  int32_t c = lexer->lookahead;
  /* After '=', a '(' opens a list instead (upstream EXTCOND_MODE). */
  if (c == '*' || c == '?' || c == '(' || (list && c == ')')) return false;
  bool any = false;
  if (c == '@') {
    lexer->advance(lexer, false);
    if (lexer->lookahead == '{') return false;
    lexer->mark_end(lexer);
    any = true;
  }
  if (scan_text(lexer, list ? TEXT_LIST : TEXT_IDS) || any) {
    lexer->result_symbol = list ? LIST_START : IDS_START;
    return true;
  }
  return false;
}

bool tree_sitter_apparmor_external_scanner_scan(void *payload, TSLexer *lexer,
                                                const bool *valid_symbols) {
  (void)payload;
  /* During error recovery every symbol is valid.  Only a path start is
   * offered then, so that recovery can resynchronise on the next file rule;
   * everything else is left to the internal lexer. */
  if (valid_symbols[ERROR_SENTINEL]) {
    skip_space(lexer);
    if (lexer->lookahead == '/' && scan_text(lexer, TEXT_IDS)) {
      lexer->result_symbol = PATH_START;
      return true;
    }
    return false;
  }

  bool at_blank = is_space(lexer->lookahead) || lexer->eof(lexer);

  /* Permission pieces follow PERMS_START or each other with no space. */
  if ((valid_symbols[FILE_MODE] || valid_symbols[EXEC_MODE]) && !at_blank) {
    return scan_mode_piece(lexer, valid_symbols);
  }

  /* Immediate continuation pieces never skip white space. */
  if ((valid_symbols[IDS_TEXT] || valid_symbols[NOEQ_TEXT] || valid_symbols[LIST_TEXT] ||
       valid_symbols[POST_VAR_TEXT]) &&
      !at_blank) {
    return scan_continuation(lexer, valid_symbols);
  }

  if (valid_symbols[ASSIGN_END] && scan_assign_end(lexer)) {
    lexer->result_symbol = ASSIGN_END;
    return true;
  }

  bool newline = skip_space(lexer);

  if (valid_symbols[IMPLICIT_END] && (newline || lexer->eof(lexer))) {
    /* The token is zero-width at the start of the next line's first token;
     * reading ahead from here does not move it. */
    lexer->mark_end(lexer);
    int32_t first = lexer->lookahead;
    switch (classify_line_start(lexer, valid_symbols)) {
      case LINE_NEW_ITEM:
        lexer->result_symbol = IMPLICIT_END;
        return true;
      case LINE_PERMS:
        lexer->result_symbol = PERMS_START;
        return true;
      case LINE_CONTINUES:
        /* A word or '#' was read ahead: leave it to the internal lexer.  Any
         * other token has not moved the lexer and is scanned below. */
        if (is_alnum_(first) || first == '#') return false;
        break;
    }
  }

  if (valid_symbols[PERMS_START] && is_mode_char(lexer->lookahead)) {
    if (scan_perms_start(lexer)) {
      lexer->result_symbol = PERMS_START;
      return true;
    }
    return false;
  }

  int32_t c = lexer->lookahead;
  if (lexer->eof(lexer) || c == '#' || c == ',' || c == '"') return false;

  if (valid_symbols[PATH_START] && (c == '/' || c == ':' || c == '&')) {
    if (c == ':') {
      /* ':=' is an assignment operator, never a label (upstream LABEL). */
      lexer->advance(lexer, false);
      if (lexer->lookahead == '=') return false;
      lexer->mark_end(lexer);
    }
    if (scan_text(lexer, TEXT_IDS) || c == ':') {
      lexer->result_symbol = PATH_START;
      return true;
    }
    return false;
  }
  if (valid_symbols[MODE_START]) {
    /* In rule states that have keywords, words, numbers and variables are
     * lexed by the grammar; this token covers values that start with other
     * characters, like '{a,b}' or '-'. */
    if (is_alnum_(c) || c == '@' || c == '*' || c == '?' || c == '(' || c == ')' || c == '=' ||
        c == '+') {
      return false;
    }
    if (c == '-') {
      /* '->' separates a mount source from its mount point. */
      lexer->advance(lexer, false);
      if (lexer->lookahead == '>') return false;
      lexer->mark_end(lexer);
    }
    if (scan_text(lexer, TEXT_NOEQ) || c == '-') {
      lexer->result_symbol = MODE_START;
      return true;
    }
    return false;
  }
  if (valid_symbols[IDS_START] || valid_symbols[LIST_START]) {
    return scan_value_start(lexer, !valid_symbols[IDS_START]);
  }
  return false;
}
