package lean

// exeSuffix ends the name of an executable on this system.
const exeSuffix = ".exe"
