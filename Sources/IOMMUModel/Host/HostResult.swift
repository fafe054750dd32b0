/// One value an operation hands back to userspace (an `out_*` member, `entry_num`, `size`...), named
/// as the C member is.
public struct HostOutput: Sendable, Equatable {
    public let name: String
    public let value: UInt64
    public init(_ name: String, _ value: UInt64) {
        self.name = name
        self.value = value
    }
}

/// What one host operation did: the value the ioctl returns, what it hands back, a sentence saying
/// what happened and which kernel function decided it, and its effects on the hardware as data.
public struct HostResult: Sendable, Equatable {
    /// What the kernel's handler returns: 0, `-errno`, or (rarely) a positive value — the sPAPR
    /// `iommu_tce_put_param_check` macro, for one, yields 1.
    public var returnValue: Int64
    /// Out-parameters and written-back members, in the order the struct declares them.
    public var outputs: [HostOutput]
    /// One or two sentences for the log pane.
    public var sentence: String
    /// The kernel function whose check or action decided the outcome (`tce_iommu_register_pages`).
    public var decidedBy: String
    /// The hardware effects, in the order the kernel issues them.
    public var actions: [HardwareAction]

    public init(returnValue: Int64, outputs: [HostOutput] = [], sentence: String, decidedBy: String,
                actions: [HardwareAction] = []) {
        self.returnValue = returnValue
        self.outputs = outputs
        self.sentence = sentence
        self.decidedBy = decidedBy
        self.actions = actions
    }

    /// A success (return value 0).
    public static func ok(_ sentence: String, by function: String, outputs: [HostOutput] = [],
                          actions: [HardwareAction] = []) -> HostResult {
        HostResult(returnValue: 0, outputs: outputs, sentence: sentence, decidedBy: function, actions: actions)
    }

    /// A failure with `-errno`; `actions` are effects that stay in place despite the failure.
    public static func fail(_ errno: Errno, _ sentence: String, by function: String, outputs: [HostOutput] = [],
                            actions: [HardwareAction] = []) -> HostResult {
        HostResult(returnValue: -Int64(errno.rawValue), outputs: outputs, sentence: sentence, decidedBy: function, actions: actions)
    }

    /// The errno when the return value is negative.
    public var errno: Errno? { returnValue < 0 ? Errno(rawValue: Int32(truncatingIfNeeded: -returnValue)) : nil }
    /// True for a zero return.
    public var succeeded: Bool { returnValue == 0 }

    /// An output by its C member name.
    public subscript(output name: String) -> UInt64? { outputs.first { $0.name == name }?.value }

    /// `ok` / `-EINVAL (22)` / `returned 1`, then the sentence.
    public var summary: String {
        let head: String
        if let e = errno { head = e.description } else if returnValue == 0 { head = "ok" } else { head = "returned \(returnValue)" }
        return "\(head): \(sentence) [\(decidedBy)]"
    }
}
