/// Lets `--config FILE` come before the subcommand (`flexprice-exporter --config FILE status`,
/// as the README writes it) as well as after it.
///
/// ArgumentParser reads an option only at the level that declares it, and `--config` is declared
/// by each subcommand (``GlobalOptions``), so before the subcommand it would be an unknown option
/// of the root command. Leading `--config FILE` / `--config=FILE` arguments are moved to just
/// after the subcommand name; anything else is left as typed, for ArgumentParser to judge.
enum GlobalOptionOrder {
    static func normalized(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--config", arguments.index(after: index) < arguments.endIndex {
                leading += arguments[index...arguments.index(after: index)]
                index = arguments.index(index, offsetBy: 2)
            } else if argument.hasPrefix("--config=") {
                leading.append(argument)
                index = arguments.index(after: index)
            } else {
                break
            }
        }
        // Only when a subcommand name follows: `--config FILE --help` and the like stay as typed.
        guard !leading.isEmpty, index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return arguments }
        return [arguments[index]] + leading + arguments[arguments.index(after: index)...]
    }
}
