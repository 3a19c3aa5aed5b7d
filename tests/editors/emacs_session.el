;;; emacs_session.el --- one headless Emacs session for tests/editors/test_emacs.py  -*- lexical-binding: t -*-

;; Emacs starts with -Q --batch, so it first does what a normal start does on Debian:
;; activate the packages in /usr/share/emacs/site-lisp/elpa (eglot).  Then it loads
;; editors/emacs/armorsmith.el as a user's init file would, checks which mode each probe
;; path gets, opens the profile, lets eglot-ensure connect as after the user's first
;; command, waits for flymake's diagnostics, and asks for the hover at `Px' through eglot's
;; eldoc function.  What it saw is written as JSON to $ARMORSMITH_TEST_OUT.

(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'json)
(require 'flymake)

(defvar armorsmith-test-result nil "What the session saw, an alist.")
(defvar armorsmith-test-timeout (/ (string-to-number (or (getenv "ARMORSMITH_TEST_TIMEOUT") "15000")) 1000.0))
(defvar armorsmith-test-settle 3.0 "Seconds to wait for the server to lint again after reading the settings.")

(defun armorsmith-test-record (key value)
  (push (cons key value) armorsmith-test-result))

(defun armorsmith-test-wait (seconds predicate)
  "Wait up to SECONDS for PREDICATE to return non-nil, serving processes; return its value."
  (let ((deadline (+ (float-time) seconds))
        (value nil))
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun armorsmith-test-diagnostics ()
  (sort (mapcar (lambda (d)
                  (list (cons 'line (1- (line-number-at-pos (flymake-diagnostic-beg d))))
                        (cons 'type (symbol-name (flymake-diagnostic-type d)))
                        (cons 'text (flymake-diagnostic-text d))))
                (flymake-diagnostics))
        (lambda (a b) (< (alist-get 'line a) (alist-get 'line b)))))

(defun armorsmith-test-run ()
  (load (getenv "ARMORSMITH_TEST_SNIPPET") nil t)
  (armorsmith-test-record
   'modes
   (mapcar (lambda (path)
             (with-temp-buffer
               (setq buffer-file-name path)
               (let ((apparmor-mode-hook nil))
                 (set-auto-mode))
               (cons path (symbol-name major-mode))))
           (split-string (or (getenv "ARMORSMITH_TEST_PROBES") "") "\n" t)))
  (setq-default eglot-workspace-configuration
                (list :armorsmith
                      (list :includePaths (vector (getenv "ARMORSMITH_TEST_INCLUDE"))
                            :index (list :enabled :json-false))))
  (find-file (getenv "ARMORSMITH_TEST_PROFILE"))
  (armorsmith-test-record 'mode (symbol-name major-mode))
  ;; eglot-ensure connects after the next command; this is that moment.
  (run-hooks 'post-command-hook)
  (let ((server (armorsmith-test-wait armorsmith-test-timeout #'eglot-current-server)))
    (armorsmith-test-record 'command (and server (process-command (jsonrpc--process server))))
    (armorsmith-test-record 'server (and server (plist-get (eglot--server-info server) :name))))
  (armorsmith-test-wait armorsmith-test-timeout #'flymake-diagnostics)
  (armorsmith-test-wait armorsmith-test-settle
                        (lambda ()
                          (not (seq-some (lambda (d) (string-match-p "Could not open" (flymake-diagnostic-text d)))
                                         (flymake-diagnostics)))))
  (armorsmith-test-record 'diagnostics (armorsmith-test-diagnostics))
  (goto-char (point-min))
  (search-forward " Px,")
  (goto-char (+ (match-beginning 0) 1))
  (let ((hover nil))
    (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info ""))))
    (armorsmith-test-wait armorsmith-test-timeout (lambda () hover))
    (armorsmith-test-record 'hover hover)))

(condition-case err
    (armorsmith-test-run)
  (error (armorsmith-test-record 'error (error-message-string err))))
(with-temp-file (getenv "ARMORSMITH_TEST_OUT")
  (insert (json-encode armorsmith-test-result)))
(kill-emacs 0)

;;; emacs_session.el ends here
