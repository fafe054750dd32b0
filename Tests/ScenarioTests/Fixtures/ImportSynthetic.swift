/// Inputs for formats with no real sample, written exactly to the format strings trace_formats.md
/// quotes (each constant names its section and format string). Not real captures: the values are
/// chosen so the expected decodes can be worked out by hand.
enum ImportSynthetic {
    /// §1.1 framing + §1.2 range form:
    /// map   "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
    /// unmap "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
    /// §1.3 io_page_fault "IOMMU:%s %s iova=0x%016llx flags=0x%04x"; §1.5 a dma_alloc line to skip;
    /// and ftrace's lost-events marker.
    /// Line 5 maps 2 MiB at 0x200000 (the model makes one 2 MiB leaf); line 7 unmaps 4 KiB of a 12 KiB
    /// map (partial: unmapped_size 4096 < size 12288); line 8 unmaps 4 KiB inside the 2 MiB range, so
    /// the kernel's pages there were 4 KiB.
    static let rangeForm = """
    # tracer: nop
    #
    #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
    #              | |         |   |||||     |         |
         qemu-kvm-4242    [003] .....  1021.334455: map: IOMMU: iova=0x0000000000200000 - 0x0000000000400000 paddr=0x0000000134400000 size=2097152
         qemu-kvm-4242    [003] .....  1021.334460: map: IOMMU: iova=0x0000000000400000 - 0x0000000000403000 paddr=0x0000000134800000 size=12288
         qemu-kvm-4242    [003] .....  1021.334470: unmap: IOMMU: iova=0x0000000000400000 - 0x0000000000403000 size=12288 unmapped_size=4096
         qemu-kvm-4242    [003] .....  1021.334480: unmap: IOMMU: iova=0x0000000000300000 - 0x0000000000301000 size=4096 unmapped_size=4096
     irq/24-AMD-Vi-48     [000] d..1.  1021.400000: io_page_fault: IOMMU:vfio-pci 0000:01:00.0 iova=0x0000000000300000 flags=0x0001
     kworker/u8:2-97      [001] .....  1021.500000: dma_alloc: 0000:01:00.0 dma_addr=ffff0000 size=4096 virt_addr=0000000012345678 flags=GFP_KERNEL attrs=
    CPU:3 [LOST 17 EVENTS]
         qemu-kvm-4242    [003] .....  1021.600000: unmap: IOMMU: iova=0x0000000000402000 - 0x0000000000403000 size=4096 unmapped_size=0
    """

    /// §3.2 dmar_translation_struct, tab-separated as debugfs.c prints it:
    /// "%02x:%02x.%x\\t0x%016llx:0x%016llx\\t0x%016llx:0x%016llx\\t" + "%-6d\\t0x%016llx:0x%016llx:0x%016llx".
    /// dmar0 is scalable (PASIDs 0 and 5 of 00:02.0), dmar1 legacy (PASID -1).
    static let translationStruct = """
    IOMMU dmar0: Root Table Address: 0x10a0b0000
    B.D.F\tRoot_entry\t\t\t\tContext_entry\t\t\t\tPASID\tPASID_table_entry
    00:02.0\t0x0000000000000000:0x000000010a0b1001\t0x0000000000000000:0x0000000100c00009\t0     \t0x0000000000010000:0x0000000000000002:0x00000001234560c9
    00:02.0\t0x0000000000000000:0x000000010a0b1001\t0x0000000000000000:0x0000000100c00009\t5     \t0x0000000000020000:0x0000000000000003:0x00000001234570c9

    IOMMU dmar1: Root Table Address: 0x10a0c0000
    B.D.F\tRoot_entry\t\t\t\tContext_entry\t\t\t\tPASID\tPASID_table_entry
    00:1f.6\t0x0000000000000000:0x000000010a0c1001\t0x0000000000000102:0x0000000123456001\t-1    \t0x0000000000000000:0x0000000000000000:0x0000000000000000
    """

    /// §5.2 QEMU vtd_* lines, the first two with the old `tid@secs.usecs:` prefix:
    /// vtd_inv_desc "invalidate desc type %s high 0x%"PRIx64" low 0x%"PRIx64 (type names from
    /// vtd_process_inv_desc), vtd_inv_desc_iotlb_pages, vtd_dmar_fault "sid 0x%x fault %d addr 0x%x write %d",
    /// vtd_reg_write "addr 0x%x size 0x%x value 0x%x".
    /// The p-iotlb low qword 0x500020036: type 6, granularity 3 (bits 5:4), DID 2 (31:16), PASID 5 (51:32).
    static let qemuVTd = """
    480969@1594894035.927040:vtd_inv_desc invalidate desc type iotlb high 0xf9a00005 low 0x800f2
    480969@1594894035.927045:vtd_inv_desc_iotlb_pages iotlb invalidate domain 0x8 addr 0xf9a00000 mask 0x5
    vtd_inv_desc invalidate desc type context-cache high 0x0 low 0x11
    vtd_inv_desc invalidate desc type wait high 0x100059c04 low 0x200000025
    vtd_inv_desc invalidate desc type p-iotlb high 0x40001000 low 0x500020036
    vtd_dmar_fault sid 0x10 fault 6 addr 0x40001000 write 1
    vtd_reg_write addr 0x88 size 0x8 value 0x20
    """

    /// §4, newer kernels: the raw dump followed by the decoded lines (arm_smmu_dump_event), with the
    /// dwords of the format note's 2025 check (id 0x10, SID 0x20600, class 2, write, IOVA 0xff9bc000).
    static let smmuDecoded = """
    [ 1234.567890] arm-smmu-v3 arm-smmu-v3.5.auto: event 0x10 received:
    [ 1234.567895] arm-smmu-v3 arm-smmu-v3.5.auto: \t0x0002060000000010
    [ 1234.567897] arm-smmu-v3 arm-smmu-v3.5.auto: \t0x0000020000000000
    [ 1234.567899] arm-smmu-v3 arm-smmu-v3.5.auto: \t0x00000000ff9bc000
    [ 1234.567901] arm-smmu-v3 arm-smmu-v3.5.auto: \t0x0000000000000000
    [ 1234.567903] arm-smmu-v3 arm-smmu-v3.5.auto: event: F_TRANSLATION client: 0000:06:00.0 sid: 0x20600 ssid: 0x0 iova: 0xff9bc000 ipa: 0x0
    [ 1234.567905] arm-smmu-v3 arm-smmu-v3.5.auto: unpriv data write s1 "Input address caused fault" stag: 0x0
    """
}
