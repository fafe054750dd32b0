/// The real samples of ../shared/samples, copied verbatim (header lines included, tabs as \t), one
/// per constant. Each keeps its `# source:` line, which says where the text was published.
enum ImportSamples {
    /// ../shared/samples/ftrace_intel_iommu_qi_submit_2021.txt
    static let qiSubmit2021 = """
    # source: linux-kernel@vger.kernel.org / iommu list, Lu Baolu, "[PATCH 1/1] iommu/vt-d: Add qi_submit trace event", Thu, 14 Jan 2021, Message-Id <20210114090400.736104-1-baolu.lu@linux.intel.com>
    # format: ftrace event text (prefix stripped, each line prefixed "| " by the author), event intel_iommu:qi_submit
    # ---
    | qi_submit: iotlb_inv dmar1: 0x100e2 0x0 0x0 0x0
    | qi_submit: dev_tlb_inv dmar1: 0x1000000003 0x7ffffffffffff001 0x0 0x0
    | qi_submit: iotlb_inv dmar2: 0x800f2 0xf9a00005 0x0 0x0
    """

    /// ../shared/samples/ftrace_iommu_map_unmap_event_only_2021.txt
    static let mapUnmapEventOnly2021 = """
    # source: linux-kernel@vger.kernel.org / iommu list, Sai Prakash Ranjan, "[PATCH] iommu: Add device name to iommu map/unmap trace events", Tue, 9 Feb 2021, Message-Id <20210209123620.19993-1-saiprakash.ranjan@codeaurora.org>
    # format: ftrace event text with the task/cpu/timestamp prefix stripped by the poster. "Before" = the upstream format of that time (no range); "After" = output of the proposed patch (dev= field), which was not merged upstream
    # ---
    Before:
      map: IOMMU: iova=0x0000000ffff36000 paddr=0x00000001164d8000 size=4096
      unmap: IOMMU: iova=0x0000000ffff36000 size=4096 unmapped_size=4096

    After:
      map: IOMMU: dev=1d84000.ufshc iova=0x0000000fffa88000 paddr=0x00000001063db000 size=4096
      unmap: IOMMU: dev=1d84000.ufshc iova=0x0000000fffa88000 size=4096 unmapped_size=4096
    """

    /// ../shared/samples/debugfs_intel_invalidation_queue_kabylake_abi_doc.txt
    static let invalidationQueueABIDoc = """
    # source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu (torvalds/linux, blob at commit 79790b6818e96c58fe2bffee1b418c16e64e7b80; added Dec 2023 by Jingqi Liu, "Example in Kabylake")
    # format: /sys/kernel/debug/iommu/intel/invalidation_queue; dmar0 is a scalable-mode unit (qw0..qw3+status, split by the document author into two column blocks), dmar1 a legacy unit (qw0, qw1, status)
    # note: kept exactly as in the ABI document: every line carries the document's indentation (two tabs and a space), the author elided rows with "[...]"
    # ---
    \t\t $ sudo cat /sys/kernel/debug/iommu/intel/invalidation_queue

    \t\t Invalidation queue on IOMMU: dmar0
    \t\t Base: 0x10022e000      Head: 20        Tail: 20
    \t\t Index          qw0                    qw1                     qw2
    \t\t     0   0000000000000014        0000000000000000        0000000000000000
    \t\t     1   0000000200000025        0000000100059c04        0000000000000000
    \t\t     2   0000000000000014        0000000000000000        0000000000000000

    \t\t\t\tqw3                  status
    \t\t\t 0000000000000000        0000000000000000
    \t\t\t 0000000000000000        0000000000000000
    \t\t\t 0000000000000000        0000000000000000

    \t\t [...]

    \t\t Invalidation queue on IOMMU: dmar1
    \t\t Base: 0x10026e000      Head: 32        Tail: 32
    \t\t Index           qw0                     qw1                   status
    \t\t     0   0000000000000004        0000000000000000         0000000000000000
    \t\t     1   0000000200000025        0000000100059804         0000000000000000
    \t\t     2   0000000000000011        0000000000000000         0000000000000000

    \t\t [...]
    """

    /// ../shared/samples/dmesg_arm_smmu_v3_event_raw_hns_2019.txt
    static let smmuEventRawHNS2019 = """
    # source: linux-rdma list, Lijun Ou (patch by Xi Wang), "[PATCH for-next 7/8] RDMA/hns: Fixs hw access invalid dma memory error", Mon, 24 Jun 2019, Message-ID <1561376872-111496-8-git-send-email-oulijun@huawei.com> (upstream commit ec5bc2cc69b4; the stable backports of Jan 2020 repeat the block without timestamps)
    # format: kernel log (dmesg) from drivers/iommu/arm-smmu-v3.c of that era: raw event header + 4 dwords only, no decoded lines; the mail shows two spaces where the kernel printed a tab
    # ---
    [  173.183547] arm-smmu-v3 arm-smmu-v3.1.auto: event 0x10 received:
    [  173.191862] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00007d0000000010
    [  173.200551] arm-smmu-v3 arm-smmu-v3.1.auto:  0x0000020900000080
    [  173.209235] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00000000f47cf000
    [  173.217918] arm-smmu-v3 arm-smmu-v3.1.auto:  0x00000000f47cf000
    """
}
