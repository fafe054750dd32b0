vtd scalable
device nic sid=00:02.0
space s2 vtd-ss levels=4
map s2 0x0 -> 0x1_0000_0000 2M rw
attach nic pasid=5 pgtt=ss did=2 ss=s2
dma read nic pasid=5 0x1000
qi piotlb g=psi did=2 pasid=5 addr=0x1000 am=0 ih=0
expect fault
