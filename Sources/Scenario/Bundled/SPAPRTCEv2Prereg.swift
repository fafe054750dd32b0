/// `spapr-tce-v2-prereg`: preregistered memory, windows and the region an unregister-while-mapped leaves behind.
enum SPAPRTCEv2Prereg {
    static let scenario = BundledScenario(name: "spapr-tce-v2-prereg", summary: "sPAPR TCE v2: preregistration, lazy default window, DDW, exact unregister and the lingering region", text: #"""
# sPAPR TCE v2 (POWER8/9 IODA2): guest memory is preregistered — pinned and charged once, at
# VFIO_IOMMU_SPAPR_REGISTER_MEMORY — and MAP_DMA may only point TCEs into registered memory. The
# default 32-bit window appears on first use, a dynamic DMA window (DDW) is made on request, and
# unregistering needs the exact (vaddr, size) of a registration. Unregistering memory that TCEs
# still point into succeeds today, but the region stays pinned and charged: locked_vm shows it.
host-config page=4K
spapr group 1
host-device eth sid=01:00.0 group=1

step "The VMM and its memory"
note A 4 KiB-page host kernel (ppc64 distributions often use 64 KiB pages; then the same story plays
note with 16 MiB IOMMU pages over 64 KiB pages). Guest RAM is 256 MiB of ordinary anonymous memory; a
note second 64 MiB area is backed by 16 MiB hugetlbfs pages.
process qemu memlock=1G
mmap qemu 0x7fff_0000_0000 256M
mmap qemu 0x7ffe_0000_0000 64M hugetlb=16M

step "A v2 container with the group"
note VFIO_SET_IOMMU(VFIO_SPAPR_TCE_v2_IOMMU), then the group joins: the container takes ownership of
note the PE's DMA windows. The default 32-bit window is not created yet: it is pending until the
note first MAP, UNMAP or TCE_CREATE (def_window_pending), so userspace may remove it unused.
vfio open c1 spapr-v2
spapr attach c1 group=1
spapr info c1
expect out dma32_window_size=2G
expect out ddw.max_dynamic_windows_supported=2

step "Preregistration pins and charges"
note VFIO_IOMMU_SPAPR_REGISTER_MEMORY pins all 65536 pages of guest RAM and charges them to
note locked_vm right away (mm_iommu_do_alloc). Later MAP/UNMAP calls never touch locked_vm again.
spapr register c1 vaddr=0x7fff_0000_0000 size=256M
expect errno=0
expect locked-vm qemu=256M

step "The first MAP creates the default window"
note MAP_DMA of 1 MiB at bus address 0 first creates the pending 2 GiB window with 4 KiB IOMMU pages:
note its one-level table has 524288 TCEs (4 MiB) and the userspace view that remembers each TCE's user
note address another 4 MiB, and those 8 MiB are charged. Then 256 TCEs point into the registered
note region (its `mapped` count goes up by 256).
vfio map c1 vaddr=0x7fff_0000_0000 iova=0 size=1M
expect errno=0
expect locked-vm qemu=264M

step "MAP outside registered memory"
note Only registered memory can be mapped: tce_iommu_prereg_ua_to_hpa finds no region holding the
note hugetlb area (it is not registered yet) and MAP_DMA fails with EINVAL.
vfio map c1 vaddr=0x7ffe_0000_0000 iova=0x10_0000 size=64K
expect errno=EINVAL

step "A dynamic DMA window with 64 KiB pages"
note VFIO_IOMMU_SPAPR_TCE_CREATE makes a second window, 1 GiB of 64 KiB IOMMU pages, placed at the
note 64-bit bus address 1 << 59 (out start_addr). Its 16384 TCEs take 128 KiB, and the userspace
note view another 128 KiB: locked_vm grows by 256 KiB.
spapr create-window c1 page=64K size=1G levels=1
expect out start_addr=0x800_0000_0000_0000
expect locked-vm qemu=264M+256K

step "64 KiB IOMMU pages over 4 KiB pages: refused"
note A 64 KiB TCE must point at 64 KiB of physically contiguous memory. Guest RAM was pinned as 4 KiB
note pages, so the region can back IOMMU pages of 4 KiB only (its pageshift is 12) and the map fails.
vfio map c1 vaddr=0x7fff_0000_0000 iova=0x800_0000_0000_0000 size=64K
expect errno=EINVAL

step "Hugetlb memory backs 64 KiB TCEs"
note Registering the hugetlb area: 16 MiB pages, so its regions can back IOMMU pages up to 16 MiB. Now
note the 64 KiB window can map it.
spapr register c1 vaddr=0x7ffe_0000_0000 size=64M
expect locked-vm qemu=328M+256K
vfio map c1 vaddr=0x7ffe_0000_0000 iova=0x800_0000_0000_0000 size=1M
expect errno=0

step "Unregister needs the exact registration"
note Unregistering the first half of guest RAM finds no region with exactly that (vaddr, size):
note mm_iommu_get matches exactly, so this is ENOENT and nothing changes.
spapr unregister c1 vaddr=0x7fff_0000_0000 size=128M
expect errno=ENOENT

step "Unregister while TCEs still point in: the lingering region"
note Now the exact range, while 256 TCEs of the default window still point into it. The 2015 patch
note refused this with EBUSY. Current kernels return 0: the container drops its reference, the
note final mm_iommu_put sees the region still mapped and returns -EBUSY, which the caller ignores.
note The region stays in the mm's list, pinned and charged, with a reference no container owns —
note locked_vm does not go down (the locked_vm pane marks it LINGERING).
spapr unregister c1 vaddr=0x7fff_0000_0000 size=256M
expect errno=0
expect locked-vm qemu=328M+256K

step "Clearing the TCEs does not release it"
note UNMAP_DMA clears the 256 TCEs and drops the region's mapped count back to 1, but nothing puts
note the orphaned reference: the 256 MiB stay pinned and charged until the process exits.
vfio unmap c1 iova=0 size=1M
expect errno=0
expect locked-vm qemu=328M+256K

step "The clean way: unmap first, then unregister"
note The hugetlb region is unmapped first, so unregistering it really unpins it and takes its 64 MiB
note off locked_vm.
vfio unmap c1 iova=0x800_0000_0000_0000 size=1M
spapr unregister c1 vaddr=0x7ffe_0000_0000 size=64M
expect errno=0
expect locked-vm qemu=264M+256K
"""#, demonstratesBug: false)
}
