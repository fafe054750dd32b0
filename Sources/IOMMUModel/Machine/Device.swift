/// A DMA-capable device as the IOMMU sees it: its requester id and whether it has an ATC (ATS).
public struct Device: Sendable, Equatable {
    public var name: String
    /// VT-d source id (bus << 8 | devfn) or SMMUv3 StreamID.
    public var sid: UInt32
    public var ats: Bool

    public init(name: String, sid: UInt32, ats: Bool = false) {
        self.name = name
        self.sid = sid
        self.ats = ats
    }
}

/// `bb:dd.f`, the way the kernel prints a PCI requester id.
public func pciBDF(_ sid: UInt16) -> String {
    let b = String(sid >> 8, radix: 16).leftPadded(to: 2, with: "0")
    let d = String((sid >> 3) & 0x1f, radix: 16).leftPadded(to: 2, with: "0")
    return "\(b):\(d).\(sid & 7)"
}
