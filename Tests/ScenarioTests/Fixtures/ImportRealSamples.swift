/// Real text from kernel documentation, mailing lists and bug reports, kept as published (indentation,
/// quote prefixes, mail wrapping, elisions), one constant per source. Each keeps a `# source:` line
/// naming where it was published; the importer skips everything up to `# ---` (trace_formats.md §0).
enum ImportRealSamples {
    /// iommu_regset, ABI document example: three units, rows elided with [...].
    static let regsetABIDoc = """
# source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu, as added by Jingqi Liu, "[PATCH 3/8] iommu/vt-d: Add the document for Intel IOMMU debugfs", posted by Lu Baolu to linux-kernel, Tue, 27 Feb 2024, Message-Id <20240227021441.50434-4-baolu.lu@linux.intel.com> ("Example in Kabylake")
# format: debugfs iommu_regset; document indentation (two tabs and a space) kept
# ---
		 $ sudo cat /sys/kernel/debug/iommu/intel/iommu_regset

		 IOMMU: dmar0 Register Base Address: 26be37000

		 Name                    Offset          Contents
		 VER                     0x00            0x0000000000000010
		 GCMD                    0x18            0x0000000000000000
		 GSTS                    0x1c            0x00000000c7000000
		 FSTS                    0x34            0x0000000000000000
		 FECTL                   0x38            0x0000000000000000

		 [...]

		 IOMMU: dmar1 Register Base Address: fed90000

		 Name                    Offset          Contents
		 VER                     0x00            0x0000000000000010
		 GCMD                    0x18            0x0000000000000000
		 GSTS                    0x1c            0x00000000c7000000
		 FSTS                    0x34            0x0000000000000000
		 FECTL                   0x38            0x0000000000000000

		 [...]

		 IOMMU: dmar2 Register Base Address: fed91000

		 Name                    Offset          Contents
		 VER                     0x00            0x0000000000000010
		 GCMD                    0x18            0x0000000000000000
		 GSTS                    0x1c            0x00000000c7000000
		 FSTS                    0x34            0x0000000000000000
		 FECTL                   0x38            0x0000000000000000

		 [...]
"""

    /// ir_translation_struct, ABI document example: remapped IRTEs of two units, an empty posted part.
    static let irTableABIDoc = """
# source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu, as added by Jingqi Liu, "[PATCH 3/8] iommu/vt-d: Add the document for Intel IOMMU debugfs", posted by Lu Baolu to linux-kernel, Tue, 27 Feb 2024, Message-Id <20240227021441.50434-4-baolu.lu@linux.intel.com> ("Example in Kabylake")
# format: debugfs ir_translation_struct
# ---
		 $ sudo cat /sys/kernel/debug/iommu/intel/ir_translation_struct

		 Remapped Interrupt supported on IOMMU: dmar0
		 IR table address:100900000

		 Entry SrcID   DstID    Vct IRTE_high           IRTE_low
		 0     00:0a.0 00000080 24  0000000000040050    000000800024000d
		 1     00:0a.0 00000001 ef  0000000000040050    0000000100ef000d

		 Remapped Interrupt supported on IOMMU: dmar1
		 IR table address:100300000
		 Entry SrcID   DstID    Vct IRTE_high           IRTE_low
		 0     00:02.0 00000002 26  0000000000040010    000000020026000d

		 [...]

		 ****

		 Posted Interrupt supported on IOMMU: dmar0
		 IR table address:100900000
		 Entry SrcID   PDA_high PDA_low  Vct IRTE_high          IRTE_low
"""

    /// dmar_translation_struct as the ABI document splits it into three column blocks (its rows stop early when read one line at a time).
    static let dmarTableSplitABIDoc = """
# source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu, as added by Jingqi Liu, "[PATCH 3/8] iommu/vt-d: Add the document for Intel IOMMU debugfs", posted by Lu Baolu to linux-kernel, Tue, 27 Feb 2024, Message-Id <20240227021441.50434-4-baolu.lu@linux.intel.com> ("Example in Kabylake")
# format: debugfs dmar_translation_struct, split by the document author into B.D.F/Root_entry, Context_entry and PASID column blocks
# ---
		 $ sudo cat /sys/kernel/debug/iommu/intel/dmar_translation_struct

		 IOMMU dmar1: Root Table Address: 0x103027000
		 B.D.F   Root_entry
		 00:02.0 0x0000000000000000:0x000000010303e001

		 Context_entry
		 0x0000000000000102:0x000000010303f005

		 PASID   PASID_table_entry
		 -1      0x0000000000000000:0x0000000000000000:0x0000000000000000

		 IOMMU dmar0: Root Table Address: 0x103028000
		 B.D.F   Root_entry
		 00:0a.0 0x0000000000000000:0x00000001038a7001

		 Context_entry
		 0x0000000000000000:0x0000000103220e7d

		 PASID   PASID_table_entry
		 0       0x0000000000000000:0x0000000000800002:0x00000001038a5089

		 [...]
"""

    /// domain_translation_struct of a legacy-mode device, split into two column blocks.
    static let pageTableLegacyABIDoc = """
# source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu, as added by Jingqi Liu, "[PATCH 3/8] iommu/vt-d: Add the document for Intel IOMMU debugfs", posted by Lu Baolu to linux-kernel, Tue, 27 Feb 2024, Message-Id <20240227021441.50434-4-baolu.lu@linux.intel.com> ("Example in Kabylake")
# format: debugfs <bdf>/domain_translation_struct (legacy mode), split into IOVA_PFN/PML5E/PML4E and PDPE/PDE/PTE blocks
# ---
		 $ sudo cat /sys/kernel/debug/iommu/intel/0000:00:02.0/domain_translation_struct

		 Device 0000:00:02.0 @0x1017f8000
		 IOVA_PFN                PML5E                   PML4E
		 0x000000008d800 |       0x0000000000000000      0x00000001017f9003
		 0x000000008d801 |       0x0000000000000000      0x00000001017f9003
		 0x000000008d802 |       0x0000000000000000      0x00000001017f9003

		 PDPE                    PDE                     PTE
		 0x00000001017fa003      0x00000001017fb003      0x000000008d800003
		 0x00000001017fa003      0x00000001017fb003      0x000000008d801003
		 0x00000001017fa003      0x00000001017fb003      0x000000008d802003

		 [...]
"""

    /// domain_translation_struct of PASID 1 of a scalable-mode device, split into two column blocks.
    static let pageTableScalableABIDoc = """
# source: Linux kernel Documentation/ABI/testing/debugfs-intel-iommu, as added by Jingqi Liu, "[PATCH 3/8] iommu/vt-d: Add the document for Intel IOMMU debugfs", posted by Lu Baolu to linux-kernel, Tue, 27 Feb 2024, Message-Id <20240227021441.50434-4-baolu.lu@linux.intel.com> ("Example in Kabylake")
# format: debugfs <bdf>/<pasid>/domain_translation_struct (scalable mode), split into two column blocks; leaves carry SNP (bit 11)
# ---
		 $ sudo cat /sys/kernel/debug/iommu/intel/0000:00:0a.0/1/domain_translation_struct

		 Device 0000:00:0a.0 with pasid 1 @0x10c112000
		 IOVA_PFN                PML5E                   PML4E
		 0x0000000000000 |       0x0000000000000000      0x000000010df93003
		 0x0000000000001 |       0x0000000000000000      0x000000010df93003
		 0x0000000000002 |       0x0000000000000000      0x000000010df93003

		 PDPE                    PDE                     PTE
		 0x0000000106ae6003      0x0000000104b38003      0x0000000147c00803
		 0x0000000106ae6003      0x0000000104b38003      0x0000000147c01803
		 0x0000000106ae6003      0x0000000104b38003      0x0000000147c02803

		 [...]
"""

    /// intel_iommu:prq_report, as quoted in the patch that added the event.
    static let prqReport2021 = """
# source: iommu list, Lu Baolu, "iommu/vt-d: Add prq_report trace event", 20 May 2021, Link: https://lore.kernel.org/r/20210520031531.712333-1-baolu.lu@linux.intel.com
# format: ftrace event text, framing stripped, each line prefixed "| " by the author
# ---
| prq_report: dmar0/0000:00:0a.0 seq# 1: rid=0x50 addr=0x559ef6f97 r---- pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 2: rid=0x50 addr=0x559ef6f9c rw--l pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 3: rid=0x50 addr=0x559ef6f98 r---- pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 4: rid=0x50 addr=0x559ef6f9d rw--l pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 5: rid=0x50 addr=0x559ef6f99 r---- pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 6: rid=0x50 addr=0x559ef6f9e rw--l pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 7: rid=0x50 addr=0x559ef6f9a r---- pasid=0x2 index=0x1
| prq_report: dmar0/0000:00:0a.0 seq# 8: rid=0x50 addr=0x559ef6f9f rw--l pasid=0x2 index=0x1
"""

    /// intel_iommu:cache_tag_*, as quoted in the patch that added the events: flush lines wrapped by the author.
    static let cacheTag2024 = """
# source: linux-kernel / iommu list, Lu Baolu, "[PATCH 09/18] iommu/vt-d: Add trace events for cache tag interface", Wed, 24 Apr 2024, Message-Id <20240424071644.178250-10-baolu.lu@linux.intel.com>
# format: ftrace event text, framing stripped, flush_range lines wrapped onto an indented continuation ("stripped and wrapped to make the line short")
# ---
 cache_tag_assign: dmar9/0000:00:01.0 type iotlb did 1 pasid 9 ref 1
 cache_tag_assign: dmar9/0000:00:01.0 type devtlb did 1 pasid 9 ref 1
 cache_tag_flush_all: dmar6/0000:8a:00.0 type iotlb did 7 pasid 0 ref 1
 cache_tag_flush_range: dmar1 0000:00:1b.0[0] type iotlb did 9
        [0xeab00000-0xeab1afff] addr 0xeab00000 pages 0x20 mask 0x5
 cache_tag_flush_range: dmar1 0000:00:1b.0[0] type iotlb did 9
        [0xeab20000-0xeab31fff] addr 0xeab20000 pages 0x20 mask 0x5
 cache_tag_flush_range: dmar1 0000:00:1b.0[0] type iotlb did 9
        [0xeaa40000-0xeaa51fff] addr 0xeaa40000 pages 0x20 mask 0x5
 cache_tag_flush_range: dmar1 0000:00:1b.0[0] type iotlb did 9
        [0x98de0000-0x98de4fff] addr 0x98de0000 pages 0x8 mask 0x3
 cache_tag_flush_range: dmar1 0000:00:1b.0[0] type iotlb did 9
        [0xe9828000-0xe9828fff] addr 0xe9828000 pages 0x1 mask 0x0
 cache_tag_unassign: dmar9/0000:00:01.0 type iotlb did 1 pasid 9 ref 1
 cache_tag_unassign: dmar9/0000:00:01.0 type devtlb did 1 pasid 9 ref 1
"""

    /// AMD-Vi event log lines, as the kernel's IOMMU documentation shows them.
    static let amdViDoc = """
# source: Linux kernel Documentation/x86/iommu.rst ("Fault reporting" under "PCI-DMA: Using AMD IOMMU"), as posted in the patch that added the AMD section, found with the search tool
# format: kernel log, AMD-Vi event log, without and with device=
# ---
AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0007 address=0xffffc02000 flags=0x0000]
AMD-Vi: Event logged [IO_PAGE_FAULT device=07:00.0 domain=0x0007 address=0xffffc02000 flags=0x0000]
"""

    /// AMD-Vi page faults with timestamps and the driver's device prefix, from a bug report.
    static let amdViXHCI2018 = """
# source: a Debian kernel bug report (4.18.0-0.bpo.1-amd64, 2018) on xhci_hcd and AMD-Vi IO_PAGE_FAULT, found with the search tool
# format: dmesg with timestamps; one unrelated xhci line first
# ---
[  960.145603] xhci_hcd 0000:15:00.0: WARN Set TR Deq Ptr cmd failed due to incorrect slot or ep state.
[ 1790.293623] xhci_hcd 0000:15:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x00000000fff50000 flags=0x0020]
[ 1790.300905] xhci_hcd 0000:15:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x00000000fde9e000 flags=0x0020]
"""

    /// AMD-Vi page faults wrapped by a mail client after `domain=`.
    static let amdViWrapped2019 = """
# source: iommu list, a report on smartpqi under an AMD IOMMU (HPE DL385 Gen10, iommu_map_page WARNING at drivers/iommu/amd_iommu.c:1474), quoted in a reply; the reply's ">" prefix removed, found with the search tool
# format: kernel log, each event wrapped onto two lines by the mailer
# ---
smartpqi 0000:23:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000
address=0xffffffffffec0000 flags=0x0010]
smartpqi 0000:23:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000
address=0xffffffffffec1000 flags=0x0010]
"""

    /// QEMU 7.2 VT-d trace lines from a qemu-devel report, every event wrapped by the mailer.
    static let qemuVTdWrapped2023 = """
# source: qemu-devel, Major Saheb, "DMAR fault with qemu 7.2 and Ubuntu 22.04 base image", Mon, 13 Feb 2023, Message-ID <CANBBZXMpWOj5fE2YF8XGvWmBtbc=9YKiMCSfUKC7AoP5Ros9QA@mail.gmail.com>
# format: QEMU log backend with the old tid@secs prefix and error_report lines between; vtd_dmar_slpte and the `pasid 0x..:` form of vtd_dmar_translate are a local variant (trace_formats.md 5.2); every line wrapped
# ---
2023-02-13T07:02:37.074397Z qemu-system-x86_64: vtd_iova_to_slpte:
detected slpte permission error (iova=0x1187a9000, level=0x3,
slpte=0x0, write=0, pasid=0xffffffff)
236498@1676271757.075075:vtd_dmar_fault sid 0xb00 fault 6 addr
0x1187a9000 write 0
2023-02-13T07:02:37.075174Z qemu-system-x86_64: vtd_iommu_translate:
detected translation failure (dev=0b:00:00, iova=0x1187a9000)

278365@1676297375.587477:vtd_dmar_slpte sid 0xb00 slpte 0x1f2556003
addr 0x800000000 write 0
278365@1676297375.587513:vtd_dmar_translate pasid 0xffffffff: dev
0b:00.00 iova 0x800000000 -> gpa 0x1f2556000 mask 0xfff
278365@1676297375.587527:vtd_dmar_slpte sid 0xb00 slpte 0x1f25fc003
addr 0x80020a000 write 1
278365@1676297375.587532:vtd_dmar_translate pasid 0xffffffff: dev
0b:00.00 iova 0x80020a000 -> gpa 0x1f25fc000 mask 0xfff
278365@1676297375.587566:vtd_dmar_slpte sid 0xb00 slpte 0x1f2560003
addr 0x800008000 write 1
278365@1676297375.587572:vtd_dmar_translate pasid 0xffffffff: dev
0b:00.00 iova 0x800008000 -> gpa 0x1f2560000 mask 0xfff
"""

    /// QEMU vtd_switch_address_space lines from a qemu-devel thread on interrupt remapping with a Windows Server 2016 guest.
    static let qemuSwitchAddressSpace2020 = """
# source: qemu-devel, Igor Mammedov's reply in a July 2020 thread on intremap, WS2016 and CPU hotplug ("here is all it outputs"), found with the search tool
# format: QEMU log backend, tid@secs prefix; vtd_context_cache_reset has an empty format and a trailing space
# ---
480969@1594894035.927040:vtd_context_cache_reset 
480969@1594894035.928033:vtd_switch_address_space Device 00:00.0 switching address space (iommu enabled=0)
480969@1594894035.934110:vtd_switch_address_space Device 00:01.0 switching address space (iommu enabled=0)
480969@1594894035.935382:vtd_switch_address_space Device 00:02.0 switching address space (iommu enabled=0)
480969@1594894035.936661:vtd_switch_address_space Device 00:1f.0 switching address space (iommu enabled=0)
480969@1594894035.937957:vtd_switch_address_space Device 00:1f.2 switching address space (iommu enabled=0)
480969@1594894035.939258:vtd_switch_address_space Device 00:1f.3 switching address space (iommu enabled=0)
"""

    /// QEMU smmuv3 trace lines from a hypervisor's SMMUv3 notes.
    static let qemuSMMUv3Hvisor = """
# source: hvisor documentation, SMMUv3 chapter, "Simple Verification" (`-trace smmuv3_*`), found with the search tool
# format: QEMU log backend without prefix; sid printed in hex
# ---
smmuv3_config_cache_hit Config cache HIT for sid=0x10 (hits=1469, misses=1, hit rate=99)
smmuv3_translate_success smmuv3-iommu-memory-region-16-2 sid=0x10 iova=0x8e043242 translated=0x8e043242 perm=0x3
"""

}
