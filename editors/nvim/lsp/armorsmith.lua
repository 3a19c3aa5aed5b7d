-- The armorsmith language server's `vim.lsp.Config` (Neovim 0.11 and later):
-- `vim.lsp.enable('armorsmith')` starts it for AppArmor buffers, and
-- `vim.lsp.config('armorsmith', { cmd = ..., settings = { armorsmith = { ... } } })` changes it.
return require('armorsmith').defaults()
