/// A command only one architecture's driver understands (setting the unit up, writing its
/// configuration entries, its own queue statement). Each architecture defines its commands in its
/// `Driver` folder; `Machine` runs them through this protocol, so adding an architecture adds no
/// `MachineCommand` case.
public protocol DriverCommand: Sendable, Equatable {
    /// Runs the command on the machine.
    func perform(on machine: inout Machine) throws(MachineError) -> StepOutcome
    /// True when it may fail after writing part of its tables (so `apply` journals memory to undo it).
    var writesTables: Bool { get }
}

/// A driver command inside `MachineCommand`, compared by value.
public struct DriverCommandBox: Sendable, Equatable {
    public let command: any DriverCommand
    public init(_ command: any DriverCommand) { self.command = command }
    public static func == (a: DriverCommandBox, b: DriverCommandBox) -> Bool { equalValues(a.command, b.command) }
}
