;;; armorsmith.el --- AppArmor profiles with the armorsmith language server, through eglot

;; Put this in your init file, or (load "/path/to/armorsmith/editors/emacs/armorsmith.el").
;; It needs eglot (built into Emacs 29; `apt install elpa-eglot' or M-x package-install on 28).

;; A major mode for AppArmor profiles, unless one is installed (apparmor-mode on MELPA):
;; comments only; the language server does the rest.
(unless (fboundp 'apparmor-mode)
  (defvar apparmor-mode-syntax-table
    (let ((table (make-syntax-table)))
      (modify-syntax-entry ?# "<" table)
      (modify-syntax-entry ?\n ">" table)
      table))
  (define-derived-mode apparmor-mode prog-mode "AppArmor"
    "Major mode for AppArmor profiles."
    (setq-local comment-start "# ")
    (setq-local comment-start-skip "#+[ \t]*")
    ;; `#include' is a directive, not a comment.
    (setq-local syntax-propertize-function
                (syntax-propertize-rules ("^[ \t]*\\(#\\)include\\_>" (1 "_"))))))

;; Policy directories (/etc/apparmor.d and any apparmor.d), *.apparmor, and files without an
;; extension under abstractions/ or tunables/ folders.
(add-to-list 'auto-mode-alist '("/abstractions/\\(?:[^/]+/\\)*[^/.]+\\'" . apparmor-mode))
(add-to-list 'auto-mode-alist '("/tunables/\\(?:[^/]+/\\)*[^/.]+\\'" . apparmor-mode))
(add-to-list 'auto-mode-alist '("\\.apparmor\\'" . apparmor-mode))
(add-to-list 'auto-mode-alist '("/apparmor\\.d/\\(?:[^/]+/\\)*[^/.][^/]*\\'" . apparmor-mode))

;; The language server, started for every AppArmor buffer.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(apparmor-mode . ("armorsmith" "serve"))))
(add-hook 'apparmor-mode-hook #'eglot-ensure)

;; Settings (see README.md), for instance where `include <...>' is looked up:
;; (setq-default eglot-workspace-configuration
;;               '(:armorsmith (:includePaths ["/etc/apparmor.d"])))

;;; armorsmith.el ends here
