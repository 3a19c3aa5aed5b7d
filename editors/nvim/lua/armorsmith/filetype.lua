-- Filetype detection for AppArmor policy: which paths are the `apparmor` filetype.
--
-- A file is AppArmor policy when it lies in a policy directory (`/etc/apparmor.d/**` or any
-- `**/apparmor.d/**`), or is named `*.apparmor`; there the path decides, whatever the file's
-- extension (`usr.sbin.nginx` is a profile, not nginx configuration).  The names AppArmor
-- itself skips in a policy directory (dotfiles, README) are not policy.  A file under a folder
-- called `abstractions` or `tunables` elsewhere is policy only when nothing else claims it,
-- so `abstractions/base` is AppArmor but `abstractions/model.py` stays Python.
--
-- Neovim 0.8 and later detect with `vim.filetype.add`; Neovim 0.7 detects with autocommands
-- in the `filetypedetect` group, which run after the built-in rules as `ftdetect` files do.

local M = {}

M.FILETYPE = 'apparmor'

-- Whether AppArmor skips the file `name` when it reads a policy directory and the file is
-- not policy text: dotfiles and README.  (Package managers' leftovers such as `.dpkg-old`
-- are skipped by AppArmor too, but they hold policy, so they are edited as policy.)
local function skipped(name)
  return name == '' or name:sub(1, 1) == '.' or name == 'README'
end

local function tail(path)
  return path:match('[^/]*$')
end

-- Return 'apparmor' when `path` is surely policy: in an apparmor.d directory or `*.apparmor`.
function M.policy(path)
  if path:match('%.apparmor$') then
    return M.FILETYPE
  end
  if path:find('/apparmor%.d/') and not skipped(tail(path)) then
    return M.FILETYPE
  end
  return nil
end

-- Return 'apparmor' when `path` lies under an `abstractions` or `tunables` folder; callers
-- use this only when no other rule claimed the file.
function M.fragment(path)
  if (path:find('/abstractions/') or path:find('/tunables/')) and not skipped(tail(path)) then
    return M.FILETYPE
  end
  return nil
end

-- Add the detection rules to Neovim 0.8 or later.
local function add_rules()
  vim.filetype.add({
    extension = { apparmor = M.FILETYPE },
    pattern = {
      -- A positive priority runs before the extension rules, so the path decides.
      ['.*/apparmor%.d/.*'] = {
        function(path)
          return M.policy(path)
        end,
        { priority = 10 },
      },
      -- A negative priority runs after the extension rules, so other filetypes win.
      ['.*/abstractions/.*'] = {
        function(path)
          return M.fragment(path)
        end,
        { priority = -10 },
      },
      ['.*/tunables/.*'] = {
        function(path)
          return M.fragment(path)
        end,
        { priority = -10 },
      },
    },
  })
end

-- Add the detection autocommands to Neovim 0.7, where `vim.filetype.add` is not in use yet.
local function add_autocommands()
  local group = vim.api.nvim_create_augroup('filetypedetect', { clear = false })
  vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
    group = group,
    pattern = '*',
    callback = function(args)
      local path = vim.fn.fnamemodify(args.file, ':p')
      if M.policy(path) then
        vim.bo[args.buf].filetype = M.FILETYPE
      elseif M.fragment(path) and vim.bo[args.buf].filetype == '' then
        vim.bo[args.buf].filetype = M.FILETYPE
      end
    end,
  })
end

-- Install the detection rules once; `ftdetect/apparmor.lua` calls this at startup.
function M.setup()
  if vim.g.armorsmith_filetype_loaded then
    return
  end
  vim.g.armorsmith_filetype_loaded = true
  if vim.fn.has('nvim-0.8') == 1 then
    add_rules()
  else
    add_autocommands()
  end
end

return M
