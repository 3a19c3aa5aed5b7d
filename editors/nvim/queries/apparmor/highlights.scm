; Syntax highlighting for AppArmor profiles, with nvim-treesitter capture names.
;
; The capture scheme:
;   @keyword                  the words that open a rule, a header or a block: capability,
;                             network, file, link, set rlimit, profile, hat, flags, xattrs ...
;   @keyword.import           include, #include and `if exists`
;   @keyword.directive        abi
;   @keyword.modifier         rule qualifiers (audit, allow, deny, prompt, owner, user, other,
;                             priority) and the words that modify a rule (safe, unsafe, subset)
;   @keyword.conditional      if, else
;   @keyword.operator         the word operators of expressions and conditionals: not, and, or,
;                             defined, in
;   @type                     profile and hat names, and the profiles named after `->`
;   @attribute                profile flags
;   @property                 the name of a `name=value` conditional, e.g. peer, bus, ip
;   @string                   quoted strings, variable values and conditional values
;   @string.special.path      paths (rule paths, attachments, include and abi targets)
;   @variable                 `@{var}` set variables and `${bool}` boolean variables
;   @variable.builtin         the variables the parser defines: profile_name, attach_path,
;                             exec_path
;   @constant                 capability, network family and type, and rlimit names
;   @constant.builtin         the rlimit value `infinity`
;   @character                permissions: file permission letters and access words
;   @character.special        exec modes (ix, Px, Cx ...) and globs (*, **, ?)
;   @number                   numbers and the units after an rlimit value
;   @boolean                  true and false in expressions
;   @operator                 =, +=, ?=, :=, ->, comparison operators, `+` before identities
;   @punctuation.bracket      ( ) { }
;   @punctuation.delimiter    ,
;   @punctuation.special      ^ before a hat name
;   @comment                  comments
;
; Each node is captured by one pattern only, so the result does not depend on whether an
; editor lets the first or the last matching pattern win.  Patterns for nodes that contain
; other captured nodes (paths, values, names) come before the patterns for what they contain
; (variables, globs, strings), so the inner capture is drawn on top in either case.

; Comments

(comment) @comment

; Keywords

[
  "include"
  "#include"
  (if_exists)
] @keyword.import

"abi" @keyword.directive

[
  "alias"
  "rewrite"
  "profile"
  "hat"
  "flags"
  "xattrs"
  "identities"
  "file"
  "link"
  "capability"
  "network"
  "unix"
  "signal"
  "ptrace"
  "dbus"
  "mount"
  "remount"
  "umount"
  "unmount"
  "pivot_root"
  "change_profile"
  "set"
  "rlimit"
  "userns"
  "io_uring"
  "mqueue"
  "all"
] @keyword

[
  "audit"
  "allow"
  "deny"
  "prompt"
  "owner"
  "user"
  "other"
  "priority"
  "safe"
  "unsafe"
  "subset"
] @keyword.modifier

[
  "if"
  "else"
] @keyword.conditional

[
  "not"
  "and"
  "or"
  "defined"
  "in"
] @keyword.operator

; Operators and punctuation

[
  "="
  "+="
  "?="
  ":="
  "->"
  "=="
  "!="
  ">"
  ">="
  "<"
  "<="
  "+"
] @operator

[
  "("
  ")"
  "{"
  "}"
] @punctuation.bracket

"," @punctuation.delimiter

"^" @punctuation.special

; Profile headers and the profiles that transitions name

[
  (profile_name)
  (profile_ref)
] @type

(identities
  (value) @type)

(flag) @attribute

; Paths and values

[
  (path)
  (magic_path)
  (include_path)
] @string.special.path

[
  (variable_assignment value: (value) @string)
  (comparison (value) @string)
  (conditional value: (value) @string)
  (conditional_item value: (value) @string)
  (value_list (value) @string)
]

[
  (conditional name: (identifier) @property)
  (conditional_group name: (identifier) @property)
  (conditional_item name: (identifier) @property)
]

; Rule vocabulary

[
  (capability_name)
  (network_name)
  (rlimit_name)
] @constant

(rlimit_value) @constant.builtin

[
  (file_mode)
  (access)
] @character

; Leaves drawn on top of the paths, values and names that contain them

(string) @string

[
  (glob)
  (exec_mode)
] @character.special

; The parser's own variables, in both spellings.  `any-of?` rather than `match?` keeps the
; test the same in every editor, whatever regex dialect its `match?` uses.  The plain variables
; are the others, tested with one `not-eq?` a name: py-tree-sitter 0.26, which the server
; uses, gets `not-any-of?` with several values wrong (it keeps a node unless it equals all of them).
((variable) @variable.builtin
  (#any-of? @variable.builtin
    "@{profile_name}" "@profile_name" "@{attach_path}" "@attach_path" "@{exec_path}" "@exec_path"))

((variable) @variable
  (#not-eq? @variable "@{profile_name}")
  (#not-eq? @variable "@profile_name")
  (#not-eq? @variable "@{attach_path}")
  (#not-eq? @variable "@attach_path")
  (#not-eq? @variable "@{exec_path}")
  (#not-eq? @variable "@exec_path"))

(boolean_variable) @variable

(boolean_literal) @boolean

[
  (number)
  (unit)
] @number
