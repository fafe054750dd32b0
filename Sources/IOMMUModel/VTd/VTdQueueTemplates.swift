/// The queued-invalidation descriptors the `i` builder offers, in the order Linux uses them most
/// (scalable mode: PASID-based IOTLB, PASID-based device-TLB, PASID cache; then the legacy forms).
extension VTdUnit {
    public static let queueTemplates: [QueueEntryTemplate] = [
        ("p_iotlb_inv", "vtd-qi-piotlb"), ("p_dev_tlb_inv", "vtd-qi-pdevtlb"), ("pc_inv", "vtd-qi-pc"),
        ("iotlb_inv", "vtd-qi-iotlb"), ("dev_tlb_inv", "vtd-qi-devtlb"), ("cc_inv", "vtd-qi-cc"), ("inv_wait", "vtd-qi-wait"),
    ].map { QueueEntryTemplate(name: $0.0, kind: $0.1, hidden: ["type"]) }
}
