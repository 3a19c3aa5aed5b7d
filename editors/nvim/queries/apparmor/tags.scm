; Tags for code navigation: the profiles and hats a file defines, and the profiles it names.
;
; A profile, at the top level or nested as a child profile, is a class-like definition; a hat
; belongs to the profile that holds it and is entered with change_hat, so it is a method.
; The profiles named after `->` (exec transitions, change_profile and pivot_root targets) are
; references to classes.

(profile
  name: (profile_name) @name) @definition.class

(hat
  name: (profile_name) @name) @definition.method

(file_rule
  target: (profile_ref) @name) @reference.class

(change_profile_rule
  target: (profile_ref) @name) @reference.class

(pivot_root_rule
  target: (profile_ref) @name) @reference.class
