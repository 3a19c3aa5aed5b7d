-- AppArmor policy files get the `apparmor` filetype; see lua/armorsmith/filetype.lua.
require('armorsmith.filetype').setup()
