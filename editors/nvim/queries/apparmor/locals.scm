; Scopes, definitions and references of variables.
;
; AppArmor variables are global: set variables (`@{name}`) and boolean variables (`${name}`)
; are assigned in the preamble of a file or of the files it includes, and are read anywhere
; after.  The only scope is therefore the file.  An assignment with `=`, `?=` or `:=` defines
; its variable; `+=` adds values to a variable defined before, so it is a reference.  The
; variables that the parser defines itself (`@{profile_name}`, `@{attach_path}`,
; `@{exec_path}`) and those defined in included tunables have no definition in the file.
; `@{name}` and `@name` are two spellings of one variable, which a text match cannot see.

(source_file) @local.scope

(variable_assignment
  name: (variable) @local.definition
  operator: (assignment_operator) @_operator
  (#not-eq? @_operator "+="))

(boolean_assignment
  name: (boolean_variable) @local.definition)

(variable) @local.reference

(boolean_variable) @local.reference
