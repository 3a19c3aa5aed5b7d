-- The armorsmith language server in Neovim: its configuration, and `setup()` to start it.
--
-- Neovim 0.11 and later need none of this module: `lsp/armorsmith.lua` is the server's
-- `vim.lsp.Config`, and `vim.lsp.enable('armorsmith')` starts it for AppArmor buffers.
-- `setup()` is for every version from 0.7 on: on 0.11 it calls `vim.lsp.config` and
-- `vim.lsp.enable`; before, it starts (or reuses) a client for each AppArmor buffer, with
-- `vim.lsp.start` where it exists (0.8 to 0.10) and `vim.lsp.start_client` with
-- `vim.lsp.buf_attach_client` on 0.7.  Every behaviour lives in the server.

local M = {}

local NAME = 'armorsmith'

-- Return the server's default configuration, a fresh table each time.
function M.defaults()
  return {
    cmd = { 'armorsmith', 'serve' },
    filetypes = { 'apparmor' },
    -- The policy directory (the folder that holds `abstractions/` or `tunables/`, such as
    -- /etc/apparmor.d) is the root, as it is apparmor_parser's base directory; else the
    -- repository.  A file outside both is served on its own, with no workspace folder.
    root_markers = { 'abstractions', 'tunables', '.git' },
    -- Sent in the `armorsmith` section of `workspace/configuration`; see README.md for the
    -- settings (includePaths, baseDir, parserCrossCheck, ...).
    settings = { armorsmith = vim.empty_dict() },
  }
end

local uv = vim.uv or vim.loop

-- Return the directory above `path` (inclusive of its own folder) holding one of `markers`,
-- trying the markers in order, as `vim.fs.root` does on Neovim 0.10 and later.
function M.find_root(path, markers)
  local start = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(markers) do
    local directory = start
    while true do
      if uv.fs_stat(directory .. '/' .. marker) then
        return directory
      end
      local parent = vim.fn.fnamemodify(directory, ':h')
      if parent == directory then
        break
      end
      directory = parent
    end
  end
  return nil
end

local warned = false

-- Tell the user once that the server cannot be started, and why.
local function cannot_start(cmd)
  if warned then
    return
  end
  warned = true
  vim.notify(
    string.format(
      "armorsmith: cannot start the language server: '%s' is not an executable program."
        .. " Install armorsmith (pip install . in its checkout) or set `cmd` in setup().",
      cmd[1]
    ),
    vim.log.levels.ERROR
  )
end

-- Clients started by `setup()` on Neovim 0.7, by root directory ('' for none).
local clients = {}

-- Start or reuse the client for buffer `buf` under `config` (Neovim 0.7 to 0.10).
local function attach(buf, config)
  local path = vim.api.nvim_buf_get_name(buf)
  if path == '' or vim.bo[buf].buftype ~= '' then
    return
  end
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    cannot_start(config.cmd)
    return
  end
  local root = M.find_root(path, config.root_markers)
  local client_config = vim.tbl_extend('force', config, { name = NAME, root_dir = root })
  client_config.root_markers = nil
  client_config.filetypes = nil
  -- Neovim 0.7 answers `workspace/configuration` but does not announce it, so the server
  -- reads its settings from the initialization options instead.
  client_config.init_options = client_config.init_options or client_config.settings
  if vim.lsp.start then
    vim.lsp.start(client_config, { bufnr = buf })
    return
  end
  local key = root or ''
  local id = clients[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    clients[key] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

-- Start the language server for AppArmor buffers.  `opts` overrides the defaults (cmd,
-- settings, root_markers, filetypes, and any `vim.lsp.start` option such as on_attach or
-- capabilities).  `opts.treesitter = false` skips registering the tree-sitter parser with
-- nvim-treesitter (`true` warns when it cannot be registered), and `opts.grammar` names the
-- grammar directory when the plugin is not in its repository.
function M.setup(opts)
  opts = opts or {}
  local overrides = vim.deepcopy(opts)
  overrides.treesitter = nil
  overrides.grammar = nil
  require('armorsmith.filetype').setup()
  if opts.treesitter ~= false then
    require('armorsmith.treesitter').register({ quiet = opts.treesitter == nil, grammar = opts.grammar })
  end

  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config(NAME, overrides)
    vim.lsp.enable(NAME)
    return
  end

  local config = vim.tbl_deep_extend('force', M.defaults(), overrides)
  local group = vim.api.nvim_create_augroup('armorsmith', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(args.buf, config)
    end,
  })
  -- Buffers whose filetype was set before setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(config.filetypes, vim.bo[buf].filetype) then
      attach(buf, config)
    end
  end
end

return M
