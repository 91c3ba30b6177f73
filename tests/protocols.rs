//! The protocols real captures carry beyond the lab's own HTTP: each read as Scapy
//! 2.8.0 reads it (summary, show, hexdump, JSON), on frames Scapy builds (and every cut
//! of them) and on frames the lab's hosts send each other: VXLAN between their kernels,
//! IGMP joins and leaves, Scapy's GRE, SCTP and VRRP over the wire, EtherTypes by name.

use labnet_test_support::{require, ChildGuard, Tcpdump, TestLab};

mod scapy;
use scapy::{
    python, same_hexdumps_as_scapy, same_json_as_show_and_summary, same_listings_as_scapy,
    same_summaries_as_scapy, webcapture,
};

/// Writes Scapy-built frames to the pcap `argv[1]`: VRRP and VRRPv3 (over IPv4 and
/// IPv6), GRE (plain, with checksum/key/sequence, bridging Ethernet, with routing, over
/// IPv6 and over UDP), VXLAN (plain, group policy, GPE with IPv4 and NSH, and UDP port
/// 4789 from port 53, which Scapy reads as DNS), IGMP v1, v2 and v3 (queries, reports,
/// leave, router advertisement and solicitation, an unknown type, a v1/v2 type at v3
/// length), IP in IP and 6in4, ICMP and ICMPv6 errors quoting GRE, DNS, VXLAN, IGMP and
/// IP in IP, a DNS answer, BOOTP/DHCP (every message type, Scapy's option types,
/// unknown and malformed options, no magic cookie, another hardware type, a relay),
/// LLC after VLAN tags and Scapy's LLC EtherTypes, SNAP with spanning tree and ARP, ARP
/// for other hardware and protocols, AH and ESP (AH carrying IP, ESP over UDP 4500 with
/// the non-ESP marker and the keep-alive), LLMNR (queries, answers, a name whose first
/// byte Scapy takes for a pointer, payloads too short to tell), ND options (interval,
/// home agent, shortcut limit, expanded flags, PREF64, DNS servers, route information,
/// DNS search list, captive portal, address lists, fast handover and MAP options,
/// unknown ones; inverse ND messages; lengths Scapy cannot read), RPL control
/// messages (a named and an unnamed code), ICMPv6 node
/// information (each query and reply class, names, addresses, unknown types), IPv6
/// segment routing (segments, every TLV class, lengths too short and too long), ND
/// redirects with the packet of their redirected header (nested, cut, empty), a
/// routing type 0 header and options headers cut short, jumbograms (found, not found,
/// Scapy's search failing), HSRP
/// (version 1 with and without MD5, its advertisement, version 2 with text and MD5
/// authentication, on both ports), RIP (requests, responses, simple and MD5
/// authentication, an unknown authentication type, a cut entry), NTP (client, server,
/// strata 0-3 with their reference ids, broadcast, symmetric modes with
/// authenticators, NTPv4 extension fields, an unknown tail; control messages with
/// each status class, the read-status list and authenticators; private messages with
/// ntpdc's requests and a response of each item class, the authentication tail and
/// items Scapy gives up), SCTP (every chunk type, every parameter class,
/// unknown and unreadable ones, DATA with and without its payload, lengths below the
/// header's size, lists at and over Scapy's 100-item limit, over IPv6, in a later
/// fragment, quoted by ICMP and ICMPv6 errors), NBNS (each message class Scapy has,
/// names it decodes oddly, lists at and over its limit, headers no class matches),
/// DHCPv6 (every message type and option class, DUIDs of each type, relayed messages
/// inside relayed messages, options chained inside IA lists, lengths that leave bytes
/// to the next option, unknown, short and unreadable parts), ISAKMP (each payload
/// class, transforms named by their proposal's protocol, encrypted messages, IKEv2,
/// after the non-ESP marker, proposals made of no bytes), GRE for PPTP (with sequence
/// and acknowledgment numbers, carrying PPP with IPv4, IPv6, LCP and CHAP, with a
/// routing entry) and GRE routing entries one after the other. With a second argument, each frame is followed by
/// every cut of it from the end of its outer IP header on.
const BUILD_FRAMES: &str = r#"
import sys
from scapy.all import *
from scapy.layers.igmp import *
from scapy.layers.vrrp import VRRP, VRRPv3
from scapy.layers.vxlan import VXLAN
from scapy.layers.llmnr import LLMNRQuery, LLMNRResponse
from scapy.layers.hsrp import HSRP, HSRPAdvertise, HSRPmd5, HSRPv2, HSRPv2TextAuth
from scapy.layers.sctp import *
from scapy.layers.netbios import *
from scapy.layers.dhcp6 import *
from scapy.layers.isakmp import *
from scapy.layers.ppp import *
from scapy.layers.ntp import *
M = dict(src='08:00:27:a8:38:66', dst='01:00:5e:00:00:12')
A = dict(src='192.168.56.102', dst='192.168.56.101')
frames = [
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.18',ttl=255)/VRRP(vrid=5, priority=200, addrlist=['192.168.56.1','192.168.56.2']),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.18',ttl=255)/VRRPv3(vrid=5, addrlist=['192.168.56.1']),
 Ether(**M)/IPv6(src='fd00:56::2',dst='ff02::12',hlim=255)/VRRPv3(vrid=7, addrlist=['fd00:56::1']),
 Ether(**M)/IP(**A)/GRE()/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 Ether(**M)/IP(**A)/GRE(chksum_present=1,key_present=1,key=7,seqnum_present=1,sequence_number=3)/IPv6(src='fd00:1::1',dst='fd00:1::2')/UDP(sport=1000,dport=2000),
 Ether(**M)/IP(**A)/GRE(proto=0x6558)/Ether(src='02:00:00:00:00:01',dst='02:00:00:00:00:02')/ARP(psrc='10.0.0.1',pdst='10.0.0.2'),
 Ether(**M)/IP(**A)/GRE(routing_present=1)/Raw(b'\x00\x00\x00\x00'),
 Ether(**M)/IPv6(src='fd00:56::2',dst='fd00:56::1')/GRE()/IP(src='10.0.0.1',dst='10.0.0.2')/UDP(sport=1000,dport=2000)/Raw(b'x'),
 Ether(**M)/IP(**A)/UDP(sport=40000,dport=4789)/VXLAN(vni=42)/Ether(src='02:00:00:00:00:01',dst='02:00:00:00:00:02')/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 Ether(**M)/IP(**A)/UDP(sport=40000,dport=8472)/VXLAN(flags=0x88, vni=0x123456, gpid=77)/Ether(src='02:00:00:00:00:01',dst='02:00:00:00:00:02')/Raw(b'abc'),
 Ether(**M)/IP(**A)/UDP(sport=40000,dport=4790)/VXLAN(flags=0x0c, NextProtocol=1, vni=9)/IP(src='10.0.0.1',dst='10.0.0.2')/TCP(),
 Ether(**M)/IP(**A)/UDP(sport=40000,dport=4790)/VXLAN(flags=0x0c, NextProtocol=4, vni=9)/Raw(b'nsh!'),
 Ether(**M)/IP(**A)/UDP(sport=53,dport=4789)/Raw(b'\x00'*12),
 Ether(**M)/IP(**A)/UDP(sport=1000,dport=4754)/GRE()/IP(src='10.0.0.1',dst='10.0.0.2'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.1')/IGMP_MQ(mrcode=100, gaddr='0.0.0.0'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.251')/IGMPv2_MR(gaddr='224.0.0.251'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.251')/IGMP_MR(gaddr='224.0.0.251'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.2')/IGMPv2_LG(gaddr='224.0.0.251'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.22')/IGMPv3_MR(records=[IGMPv3_MR_Group(rtype=4, maddr='224.0.0.251', srcaddrs=['1.2.3.4']), IGMPv3_MR_Group(rtype=2, maddr='239.1.1.1')]),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.1')/IGMPv3_MQ(mrcode=200, gaddr='224.0.0.251', s=1, qrv=2, qqic=125, srcaddrs=['1.2.3.4','5.6.7.8']),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.106')/IGMPv3_MRA(advIntvl=20, qryIntvl=125, robust=2),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.2')/IGMPv3_MRS(),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.1',proto=2,options=[IPOption_Router_Alert()])/Raw(b'\x99\x05\x00\x00\xe0\x00\x00\x01'),
 Ether(**M)/IP(src='192.168.56.102',dst='224.0.0.1',proto=2,options=[IPOption_Router_Alert()])/Raw(b'\x11\x05\x00\x00\xe0\x00\x00\x01\xf3\x00\x00\x00'),
 Ether(**M)/IP(**A, proto=4)/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 Ether(**M)/IP(**A)/IPv6(src='fd00:1::1',dst='fd00:1::2')/ICMPv6EchoRequest(),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/ICMP(type=3,code=2)/IP(**A)/GRE(key_present=1,key=5)/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/ICMP(type=3,code=3)/IP(**A)/UDP(sport=4000,dport=53)/DNS(qd=DNSQR(qname='lab.')),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/ICMP(type=3,code=3)/IP(**A)/UDP(sport=4000,dport=4789)/VXLAN(vni=3)/Ether()/IP(src='10.0.0.1',dst='10.0.0.2'),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/ICMP(type=11)/IP(src='192.168.56.102',dst='224.0.0.1',options=[IPOption_Router_Alert()])/IGMPv2_MR(gaddr='224.0.0.1'),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/ICMP(type=3,code=2)/IP(**A, proto=4)/IP(src='10.0.0.1',dst='10.0.0.2')/UDP(),
 Ether(**M)/IPv6(src='fd00:56::1',dst='fd00:56::2')/ICMPv6DestUnreach()/IPv6(src='fd00:56::2',dst='fd00:56::1')/GRE()/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 Ether(**M)/IPv6(src='fd00:56::1',dst='fd00:56::2')/ICMPv6DestUnreach()/IPv6(src='fd00:56::2',dst='fd00:56::1')/UDP(sport=4000,dport=53)/DNS(qd=DNSQR(qname='lab.')),
 Ether(**M)/IP(src='192.168.56.101',dst='192.168.56.102')/UDP(sport=53,dport=4000)/DNS(qr=1,qd=DNSQR(qname='brooklyn.lab.'),an=DNSRR(rrname='brooklyn.lab.',rdata='192.168.56.101',ttl=60)/DNSRR(rrname='brooklyn.lab.',type='TXT',rdata='hi')),
]
MAC = bytes.fromhex('080027a83866')
B = lambda **k: BOOTP(chaddr=MAC, xid=0x1234abcd, **k)
C = Ether(src='08:00:27:a8:38:66', dst='ff:ff:ff:ff:ff:ff')/IP(src='0.0.0.0', dst='255.255.255.255')/UDP(sport=68, dport=67)
S = Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IP(src='192.168.56.101', dst='192.168.56.102')/UDP(sport=67, dport=68)
frames += [
 C/B(flags=0x8000)/DHCP(options=[('message-type','discover'),('hostname',b'midwood'),('param_req_list',[1,3,6,15,119,121]),('client_id',b'\x01'+MAC),('max_dhcp_size',1500),('vendor_class_id',b'labnet'),'end','pad','pad']),
 S/B(op=2, yiaddr='192.168.56.102', siaddr='192.168.56.101')/DHCP(options=[('message-type','offer'),('server_id','192.168.56.101'),('lease_time',600),('renewal_time',300),('rebinding_time',525),('subnet_mask','255.255.255.0'),('router','192.168.56.1'),('name_server','192.168.56.1','192.168.56.101'),('domain',b'lab'),('broadcast_address','192.168.56.255'),'end']),
 C/B()/DHCP(options=[('message-type','request'),('requested_addr','192.168.56.102'),('server_id','192.168.56.101'),(250, b'\x01\x02'),('classless_static_routes','10.0.0.0/8:192.168.56.1','192.168.56.0/24:0.0.0.0'),'end']),
 S/B(op=2, yiaddr='192.168.56.102')/DHCP(options=[('message-type','ack'),('forcerenew_nonce_capable',[1, 2]),('interface-mtu',1500),('ip-forwarding',0),('time_zone',3600),'end']),
 S/B(op=2)/DHCP(options=[('message-type','nak'),('error_message',b'no lease'),'end']),
 C/B()/DHCP(options=[('message-type',99),'end']),
 C/B()/DHCP(options=[('hostname',b'x'),'end']),
 C/B()/Raw(b'c\x82Sc' + b'\x35\x01\x08' + b'\x01\x06\x01\x02\x03\x04\x05\x06\xff'),
 C/B()/Raw(b'c\x82Sc' + b'\x35\x01\x03' + b'\x3d\x00' + b'\x37\x00' + b'\x33\x00\xff'),
 C/B()/Raw(b'c\x82Sc' + b'\x35\x02\x03\x05' + b'\x79\x05\x00\x01\x02\x03\x04\xff'),
 C/B()/Raw(b'c\x82Sc' + b'\x35\x01\x03' + b'\x0c\x09short'),
 C/BOOTP(htype=6, hlen=6, chaddr=b'\x02\x00\x00\x00\x00\x01'),
 C/BOOTP(chaddr=MAC + b'\x01\x02', sname=b'server', file=b'/boot/pxelinux.0'),
 Ether()/IP(src='192.168.56.1', dst='192.168.56.101')/UDP(sport=67, dport=67)/B(op=1, hops=1, giaddr='192.168.56.1')/DHCP(options=[('message-type','request'),'end']),
 C/B()/Raw(b'c\x82Sc'),
]
LLC_SRC = '08:00:27:a8:38:66'
frames += [
 Ether(dst='01:80:c2:00:00:00', src=LLC_SRC)/Dot1Q(vlan=5, type=38)/LLC()/STP(),
 Ether(dst='01:00:0c:cc:cc:cd', src=LLC_SRC)/LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/SNAP(OUI=0x0c, code=0x010b)/STP(),
 Ether(dst='01:00:0c:cc:cc:cc', src=LLC_SRC)/LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/SNAP(OUI=0x0c, code=0x2000)/Raw(b'\x02\xb4\x00\x00'),
 Ether(dst='01:00:0c:cc:cc:cd', src=LLC_SRC)/Dot1Q(vlan=5)/LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/SNAP(OUI=0x0c, code=0x010b)/STP(),
 Ether(dst='ff:ff:ff:ff:ff:ff', src=LLC_SRC)/Dot1Q(vlan=5)/LLC(dsap=0xe0, ssap=0xe0, ctrl=3)/Raw(b'\xff\xff\x00\x30'),
 Ether(dst='ff:ff:ff:ff:ff:ff', src=LLC_SRC, type=0x8870)/LLC(dsap=0x42, ssap=0x42, ctrl=3)/STP(),
 Ether(dst='ff:ff:ff:ff:ff:ff', src=LLC_SRC, type=122)/LLC()/Raw(b'abc'),
 Ether(dst='ff:ff:ff:ff:ff:ff', src=LLC_SRC)/Dot1Q(vlan=7, type=10)/LLC(dsap=0x42, ssap=0x42, ctrl=3)/Raw(b'1234567' + bytes(20)),
 Dot3(dst='ff:ff:ff:ff:ff:ff', src=LLC_SRC)/LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/SNAP(code=0x0806)/ARP(psrc='192.168.56.102', pdst='192.168.56.101'),
]
HSRP1 = lambda: Ether(src='00:00:0c:07:ac:01', dst='01:00:5e:00:00:02')/IP(src='192.168.56.2', dst='224.0.0.2', ttl=1)/UDP(sport=1985, dport=1985)
HSRP2 = lambda: Ether(src='00:00:0c:9f:f0:01', dst='01:00:5e:00:00:66')/IP(src='192.168.56.2', dst='224.0.0.102', ttl=1)/UDP(sport=1985, dport=1985)
frames += [
 HSRP1()/HSRP(group=1, priority=110, virtualIP='192.168.56.1'),
 HSRP1()/HSRP(opcode=1, state=8, auth=b'lab\x00\x00\x00\x00\x00', virtualIP='192.168.56.1'),
 HSRP1()/HSRP(virtualIP='192.168.56.1')/HSRPmd5(sourceip='192.168.56.2', keyid=7, authdigest=bytes(range(1, 17))),
 HSRP1()/HSRPAdvertise(state=1, activegroups=1, passivegroups=2),
 HSRP2()/HSRPv2(group=1, ipVer=4, identifier='00:00:0c:9f:f0:01', virtualIP='192.168.56.1'),
 HSRP2()/HSRPv2(group=2, ipVer=4, identifier='00:00:0c:9f:f0:01', virtualIP='192.168.56.1')/HSRPv2TextAuth(auth=b'cisco'),
 HSRP2()/HSRPv2(group=3, ipVer=4, identifier='00:00:0c:9f:f0:01', virtualIP='192.168.56.1')/HSRPmd5(sourceip='192.168.56.2', keyid=9),
 Ether()/IP(src='192.168.56.2', dst='224.0.0.102')/UDP(sport=2029, dport=2029)/Raw(bytes(HSRPv2(group=4, ipVer=4, identifier='00:00:0c:9f:f0:01', virtualIP='10.0.0.1'))),
 HSRP1()/Raw(b'\x05\x00\x10\x03\x0a\x78\x01\x00cisco\x00\x00\x00\xc0\xa8\x38\x01'),
]
ARP_ETHER = lambda: Ether(src='08:00:27:a8:38:66', dst='ff:ff:ff:ff:ff:ff', type=0x0806)
frames += [
 ARP_ETHER()/ARP(hwtype=6, hwlen=6, hwsrc=b'\x08\x00\x27\xa8\x38\x66', hwdst=b'\x00'*6, psrc='192.168.56.102', pdst='192.168.56.101'),
 ARP_ETHER()/ARP(hwtype=1, ptype=0x86dd, hwlen=6, plen=16, psrc='fd00:56::102', pdst='fd00:56::101', op=1),
 ARP_ETHER()/ARP(hwtype=1, ptype=0x86dd, hwlen=6, plen=16, hwsrc='08:00:27:a8:38:66', psrc='fd00:56::102', pdst='fd00:56::101', op=2),
 ARP_ETHER()/Raw(b'\x00\x01\x08\x00\x00\x00\x00\x00' + bytes(18)),
 ARP_ETHER()/ARP(hwtype=0x18, hwlen=8, plen=4, hwsrc=b'\x01\x02\x03\x04\x05\x06\x07\x08', hwdst=b'\x00'*8, psrc='10.0.0.1', pdst='10.0.0.2', op=8),
 ARP_ETHER()/Raw(b'\x00\x20\x08\x00\x14\x04\x00\x09' + bytes(range(20)) + b'\x0a\x00\x00\x01' + bytes(20) + b'\x0a\x00\x00\x02'),
 ARP_ETHER()/ARP(psrc='192.168.56.102', pdst='192.168.56.101', op=3),
]
IPSEC_ADDRESSES = dict(src='192.168.56.102', dst='192.168.56.101')
IPSEC_MACS = dict(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
frames += [
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/AH(spi=0x1000, seq=1, icv=bytes(range(12)), nh=6)/Raw(bytes(20)),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/AH(spi=0x1001, seq=2, icv=bytes(12), nh=0)/IP(src='10.0.0.1', dst='10.0.0.2')/ICMP(),
 Ether(**IPSEC_MACS)/IPv6(src='fd00:56::102', dst='fd00:56::101')/AH(spi=0x1002, seq=3, icv=bytes(12), nh=41)/IPv6(src='fd00:1::1', dst='fd00:1::2')/ICMPv6EchoRequest(),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/Raw(b'\x06\x00\x00\x00' + bytes(12)),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/AH(spi=0x1003, seq=4, payloadlen=4, icv=bytes(12), nh=0)/IP(src='10.0.0.1', dst='10.0.0.2')/ICMP(),
 Ether(**IPSEC_MACS)/IPv6(src='fd00:56::102', dst='fd00:56::101')/AH(spi=0x1004, seq=5, payloadlen=4, icv=bytes(12), nh=41)/IPv6(src='fd00:1::1', dst='fd00:1::2')/ICMPv6EchoRequest(),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES, proto=50)/Raw(b'\x00\x00\x10\x00\x00\x00\x00\x05' + bytes(range(24))),
 Ether(**IPSEC_MACS)/IPv6(src='fd00:56::102', dst='fd00:56::101', nh=50)/Raw(b'\x00\x00\x10\x01\x00\x00\x00\x06' + bytes(16)),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/UDP(sport=4500, dport=4500)/Raw(b'\x00\x00\x10\x02\x00\x00\x00\x07' + bytes(32)),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/UDP(sport=4500, dport=4500)/Raw(b'\x00\x00\x00\x00'),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/UDP(sport=4500, dport=4500)/Raw(b'\xff'),
 Ether(**IPSEC_MACS)/IP(**IPSEC_ADDRESSES)/UDP(sport=40000, dport=4500)/Raw(b'\x01\x02'),
]
LLMNR_Q = lambda: Ether(src='08:00:27:a8:38:66', dst='01:00:5e:00:00:fc')/IP(src='192.168.56.102', dst='224.0.0.252', ttl=1)/UDP(sport=50000, dport=5355)
LLMNR_R = lambda: Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IP(src='192.168.56.101', dst='192.168.56.102')/UDP(sport=5355, dport=50000)
frames += [
 LLMNR_Q()/LLMNRQuery(id=0x1234, qd=DNSQR(qname='brooklyn')),
 LLMNR_Q()/LLMNRQuery(id=0x1235, qd=DNSQR(qname='brooklyn', qtype='AAAA')),
 LLMNR_R()/LLMNRResponse(id=0x1234, qd=DNSQR(qname='brooklyn'), an=DNSRR(rrname='brooklyn', rdata='192.168.56.101', ttl=30)),
 LLMNR_R()/LLMNRResponse(id=0x1235, qd=DNSQR(qname='brooklyn', qtype='AAAA'), an=DNSRR(rrname='brooklyn', type='AAAA', rdata='fd00:56::101', ttl=30)),
 LLMNR_R()/LLMNRResponse(id=0x1236, qd=DNSQR(qname='nobody'), rcode=3),
 LLMNR_Q()/LLMNRQuery(id=0x1237, qd=DNSQR(qname=b'caf\xc3\xa9\xff')),
 LLMNR_Q()/Raw(b'\x01'),
 LLMNR_Q()/Raw(b'\x01\x02'),
 LLMNR_Q()/Raw(b'\x01\x02\x00'),
]
ND = lambda: Ether(src='08:00:27:a8:38:65', dst='33:33:00:00:00:01')/IPv6(src='fe80::1', dst='ff02::1', hlim=255)
frames += [
 ND()/ICMPv6ND_RA()/ICMPv6NDOptAdvInterval(advint=3000)/ICMPv6NDOptMTU(mtu=1500),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptPREF64(prefix='64:ff9b::', plc=0, scaledlifetime=225),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptPREF64(prefix='2001:db8:1::', plc=3),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptPREF64(prefix='2001:db8:1::', plc=7),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptEFA()/ICMPv6NDOptSrcLLAddr(lladdr='08:00:27:a8:38:65'),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptHAInfo(pref=5, lifetime=1800),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptShortcutLimit(),
 ND()/ICMPv6ND_RA()/Raw(b'\x07\x02\x00\x00\x00\x00\x0b\xb8' + bytes(8)),
 ND()/ICMPv6ND_RA()/Raw(b'\x99\x02' + bytes(range(14))),
 ND()/ICMPv6ND_NS(tgt='fe80::2')/Raw(b'\x63\x00\x01\x02\x03\x04\x05\x06\x07'),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptRDNSS(dns=['fd00::53', 'fd00::54'])/ICMPv6NDOptSrcLLAddr(lladdr='08:00:27:a8:38:65'),
]
frames += [
 ND()/ICMPv6ND_RA(prf=1)/ICMPv6NDOptRouteInfo(plen=64, prf=1, prefix='fd00:99::')/ICMPv6NDOptRouteInfo(plen=0, prefix='::')/ICMPv6NDOptRouteInfo(plen=48, prefix='2001:db8:1::', prf=3, rtlifetime=300),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptDNSSL(searchlist=['lab.', 'example.org.'], lifetime=600)/ICMPv6NDOptRDNSS(dns=['fd00::53']),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptCaptivePortal(URI=b'https://portal.lab/')/ICMPv6NDOptMTU(),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptDNSSL(searchlist=[])/ICMPv6NDOptCaptivePortal(URI=b'')/ICMPv6NDOptSrcLLAddr(lladdr='08:00:27:a8:38:65'),
 ND()/ICMPv6ND_INDSol()/ICMPv6NDOptSrcLLAddr(lladdr='08:00:27:a8:38:65')/ICMPv6NDOptSrcAddrList(addrlist=['fe80::1', 'fd00::1'])/ICMPv6NDOptTgtAddrList(addrlist=['fd00::2']),
 Ether(**M)/IPv6(src='fe80::1', dst='ff02::1a')/ICMPv6RPL(code=1)/Raw(b'\x00\x00\x00\x00\x01\x02\x03\x04'),
 Ether(**M)/IPv6(src='fe80::1', dst='ff02::1a')/ICMPv6RPL(code=9),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptIPAddr(optcode=2, addr='fd00::9')/ICMPv6NDOptNewRtrPrefix(optcode=1, prefix='fd00:1::')/ICMPv6NDOptLLA(optcode=3, lla='08:00:27:a8:38:65')/ICMPv6NDOptMAP(dist=2, pref=7, R=0, validlifetime=100, addr='fd00::a'),
 ND()/ICMPv6ND_RA()/Raw(b'\x18\x00\x40\x00\x00\x00\x00\x10' + bytes(16)),
 ND()/ICMPv6ND_RA()/Raw(b'\x18\x04\x40\x00\x00\x00\x00\x10' + bytes(24)),
 ND()/ICMPv6ND_RA()/Raw(b'\x18\x03\x40\x00\x00\x00\x00\x10' + bytes(8)),
 ND()/ICMPv6ND_RA()/Raw(b'\x1f\x00\x00\x00\x00\x00\x00\x10' + b'\x03lab\x00\x00\x00\x00'),
 ND()/ICMPv6ND_RA()/Raw(b'\x25\x00https'),
 ND()/ICMPv6ND_RA()/Raw(b'\x09\x00\x00\x00\x00\x00\x00\x00' + bytes(range(40))),
 ND()/ICMPv6ND_RA()/ICMPv6NDOptDNSSL(searchlist=['caf\xe9.lab.'])/ICMPv6NDOptCaptivePortal(URI=b"it's")/Raw(b'\x13\x01\x00\x01\x02'),
]
NI_IP6 = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IPv6(src='fd00:56::102', dst='fd00:56::101')
NONCE = b'\x01\x02\x03\x04\x05\x06\x07\x08'
frames += [
 NI_IP6()/ICMPv6NIQueryNOOP(nonce=NONCE),
 NI_IP6()/ICMPv6NIQueryName(nonce=NONCE, data='brooklyn.lab'),
 NI_IP6()/ICMPv6NIQueryName(nonce=NONCE, data='brooklyn'),
 NI_IP6()/ICMPv6NIQueryIPv6(nonce=NONCE, data='fd00:56::101'),
 NI_IP6()/ICMPv6NIQueryIPv4(nonce=NONCE, data='192.168.56.101'),
 NI_IP6()/ICMPv6NIReplyName(nonce=NONCE, data=[60, b'brooklyn.lab', b'bk']),
 NI_IP6()/ICMPv6NIReplyIPv6(nonce=NONCE, data=[(60, 'fd00:56::101'), (30, 'fe80::1')]),
 NI_IP6()/ICMPv6NIReplyIPv4(nonce=NONCE, data=[(60, '192.168.56.101')]),
 NI_IP6()/ICMPv6NIReplyNOOP(nonce=NONCE),
 NI_IP6()/ICMPv6NIReplyRefuse(nonce=NONCE),
 NI_IP6()/ICMPv6NIReplyUnknown(nonce=NONCE),
 NI_IP6()/ICMPv6NIQueryNOOP(nonce=NONCE)/Raw(b'extra'),
 NI_IP6()/Raw(b'\x8b\x01\x00\x00\x00\x09\x00\x00' + NONCE),
 NI_IP6()/Raw(b'\x8c\x00\x00\x00\x00\x07\x00\x00' + NONCE + b'\x00\x00\x00\x05abc'),
 NI_IP6()/Raw(b'\x8c\x05\x00\x00\x00\x02\x00\x00' + NONCE),
 NI_IP6()/Raw(b'\x8c\x00\x00\x00\x00\x02\x00\x00' + NONCE + b'\x00\x00\x00\x05\xc0\x0c'),
 NI_IP6()/Raw(b'\x8b\x02\x00\x00\x00\x04\x00\x3f' + NONCE + b'\x0a\x00'),
 NI_IP6()/Raw(b'\x8b\x01\x00\x00\x00\x02\x00\x00' + NONCE + b'\x03ab\xff\x00'),
]
SRH_IP6 = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IPv6(src='fd00:56::102', dst='fd00:56::101')
frames += [
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1', 'fd00::2', 'fd00::3'], segleft=2)/UDP(sport=1000, dport=2000),
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1'], tag=7, protected=1, hmac=1, tlv_objects=[IPv6ExtHdrSegmentRoutingTLVIngressNode(ingress_node='fd00::9'), IPv6ExtHdrSegmentRoutingTLVEgressNode(egress_node='fd00::8'), IPv6ExtHdrSegmentRoutingTLVPad1(), IPv6ExtHdrSegmentRoutingTLVPadN(padding=b'\x00\x00'), IPv6ExtHdrSegmentRoutingTLVHMAC(hmackeyid=5, hmac=bytes(range(32))), IPv6ExtHdrSegmentRoutingTLV(type=9, value=b'zz')])/ICMPv6EchoRequest(),
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1', 'fd00::2'], nh=41)/IPv6(src='fd00:1::1', dst='fd00:1::2')/TCP(),
 SRH_IP6()/IPv6ExtHdrRouting(addresses=['fd00::1'])/UDP(),
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1'], lastentry=4)/UDP(),
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1'], len=0)/UDP(),
 SRH_IP6()/IPv6ExtHdrSegmentRouting(addresses=['fd00::1'], len=9)/UDP()/Raw(b'x' * 40),
 SRH_IP6()/IPv6(nh=43)/Raw(b'\x00\x01'),
 SRH_IP6()/IPv6ExtHdrHopByHop(nh=43)/Raw(b'\x00'),
 SRH_IP6()/IPv6ExtHdrDestOpt(nh=43)/Raw(b'\x11\x00\x04\x00'),
]
JUMBO_IP6 = lambda **k: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IPv6(src='fd00:56::102', dst='fd00:56::101', **k)
frames += [
 JUMBO_IP6(plen=0)/IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=16)])/UDP(sport=1, dport=2)/Raw(b'x' * 8),
 JUMBO_IP6(plen=0)/IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=0x10000000)])/UDP(sport=1, dport=2)/Raw(b'x' * 8),
 JUMBO_IP6(plen=0)/Raw(b'\x11\x00\xc2\x04' + struct.pack('<I', 12) + b'\x00\x01\x00\x02\x00\x0c\x00\x00abcd' + b'pad'),
 JUMBO_IP6(plen=0)/Raw(b'\x11\x00\x01\x04\x00\x00\x00\x00\x00\x01\x00\x02\x00\x0c\x00\x00ab'),
 JUMBO_IP6(plen=0)/Raw(b'\x11\x00\x01\x04\x00\x00\x00\x00\x00\x01\x00\x02\x00\x0c\x00\x00abc'),
 JUMBO_IP6(plen=0, nh=17)/UDP(),
 JUMBO_IP6(plen=0)/Raw(b'\x11\x00\x01\x00\x00\x00\xc2\x04\x00\x00'),
]
RIP_UDP = lambda: Ether(src='08:00:27:a8:38:66', dst='01:00:5e:00:00:09')/IP(src='192.168.56.102', dst='224.0.0.9', ttl=1)/UDP(sport=520, dport=520)
frames += [
 RIP_UDP()/RIP(cmd=1, version=2)/RIPEntry(AF=0, metric=16),
 RIP_UDP()/RIP(cmd=2, version=2)/RIPEntry(addr='10.0.0.0', mask='255.0.0.0', nextHop='192.168.56.1', metric=1)/RIPEntry(addr='172.16.0.0', mask='255.240.0.0', metric=16, RouteTag=7),
 RIP_UDP()/RIP(cmd=2, version=2)/RIPAuth(authtype=2, password=b'secret')/RIPEntry(addr='10.1.0.0', mask='255.255.0.0'),
 RIP_UDP()/RIP(cmd=2, version=2)/RIPAuth(authtype=3, digestoffset=44, keyid=1, authdatalen=16, seqnum=9)/RIPEntry(addr='10.2.0.0', mask='255.255.0.0')/RIPAuth(authtype=1, authdata=bytes(range(16))),
 RIP_UDP()/RIP(cmd=1, version=1),
 RIP_UDP()/RIP(cmd=2, version=2)/RIPEntry()/Raw(b'\x00\x02\x00'),
 RIP_UDP()/RIP(cmd=99, version=2)/RIPAuth(authtype=7)/RIPEntry(),
]
U = lambda sport=123, dport=123: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=sport, dport=dport)
T = 3909000000  # an NTP-era second (2023)
ntp_frames = [
 U(40123, 123)/NTP(version=4, mode=3, stratum=0, poll=6, precision=-20, ref=0, orig=0, recv=0, sent=T + 0.25),
 U(123, 40123)/NTP(version=4, mode=4, stratum=2, poll=6, precision=-23, delay=0.015625, dispersion=0.0321, id='192.168.56.1', ref=T - 30.5, orig=T + 0.25, recv=T + 0.2512, sent=T + 0.2513),
 U()/NTP(version=3, mode=4, stratum=1, ref_id=b'GPS', precision=-18, ref=T, orig=0, recv=T, sent=T),
 U()/NTP(version=4, mode=4, stratum=0, ref_id=b'RATE', ref=0, orig=0, recv=0, sent=0),
 U()/NTP(version=4, mode=5, stratum=3, id='10.0.0.1', ref=12345.5, orig=1, recv=2.75, sent=T),
 U()/NTP(version=4, mode=1, leap=3, stratum=16, id='0.0.0.0', delay=1.5, dispersion=65535.99, ref=0, orig=0, recv=0, sent=T) / Raw(struct.pack('!I', 7) + bytes(range(16))),
 U()/NTP(version=4, mode=2, stratum=2, id='192.168.56.1', ref=0, orig=0, recv=0, sent=T) / Raw(struct.pack('!I', 9) + bytes(range(20))),
 U()/NTP(version=2, mode=0, stratum=2, ref=0, orig=0, recv=0, sent=0) / Raw(b'xyz'),
 U()/Raw(b'\x23\x02\x06\xec'),
]
SCTP_IP = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')
SCTP_IP6 = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IPv6(src='fd00:56::102', dst='fd00:56::101')
SCTP_HEADER = lambda tag=0x1234: SCTP(sport=5000, dport=5001, tag=tag)
frames += [
 SCTP_IP()/SCTP_HEADER(0)/SCTPChunkInit(init_tag=0x1234, a_rwnd=106496, n_out_streams=10, n_in_streams=65535, init_tsn=0x55, params=[SCTPChunkParamIPv4Addr(addr='192.168.56.102'), SCTPChunkParamIPv6Addr(addr='fd00:56::102'), SCTPChunkParamCookiePreservative(sug_cookie_inc=100), SCTPChunkParamHostname(hostname=b'midwood'), SCTPChunkParamSupportedAddrTypes(addr_type_list=['IPv4', 'IPv6', 11]), SCTPChunkParamECNCapable(), SCTPChunkParamFwdTSN(), SCTPChunkParamSupportedExtensions(), SCTPChunkParamRandom(random=bytes(range(32))), SCTPChunkParamChunkList(chunk_list=[0, 3, 99]), SCTPChunkParamRequestedHMACFunctions(HMAC_functions_list=[1, 3, 9]), SCTPChunkParamAdaptationLayer(indication=7)]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInitAck(init_tag=0x99, a_rwnd=1000, n_out_streams=1, n_in_streams=1, init_tsn=1, params=[SCTPChunkParamStateCookie(cookie=b'cookie!'), SCTPChunkParamUnrocognizedParam(param=b'\x00\x77\x00\x05x'), Raw(b'\x77\x77\x00\x08abcd')]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkData(tsn=1, stream_id=0, stream_seq=0, proto_id=0, beginning=1, ending=1, data=b'hello')/SCTPChunkSACK(cumul_tsn_ack=5, a_rwnd=1000, gap_ack_list=['2:3', '7:9'], dup_tsn_list=[7, 8]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkData(tsn=2, proto_id=46, beginning=1, ending=0, unordered=1, delay_sack=1, data=b'part one')/SCTPChunkData(tsn=3, proto_id=51, beginning=0, ending=1, data=b'two'),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkData(tsn=4, proto_id=999, beginning=1, ending=1, data=b'')/SCTPChunkIData(tsn=5, beginning=1, message_id=3, ppid_fsn=18, data=b'idata')/SCTPChunkIData(tsn=6, beginning=0, message_id=3, ppid_fsn=1, data=b'more'),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkHeartbeatReq(params=[SCTPChunkParamHeartbeatInfo(data=b'\x01\x02\x03\x04\x05')])/SCTPChunkHeartbeatAck(params=[SCTPChunkParamHeartbeatInfo(data=bytes(8))]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkAbort(TCB=1, error_causes=b'\x00\x01\x00\x06ab')/SCTPChunkShutdown(cumul_tsn_ack=9)/SCTPChunkShutdownAck()/SCTPChunkShutdownComplete(TCB=1),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkError(error_causes=b'\x00\x06\x00\x04')/SCTPChunkCookieEcho(cookie=b'cookie!')/SCTPChunkCookieAck(),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkAuthentication(shared_key_id=1, HMAC_function=1, HMAC=bytes(range(20)))/SCTPChunkPad(padding=b'\x00' * 6),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkAddressConf(seq=5, params=[SCTPChunkParamAddIPAddr(correlation_id=1, addr='192.168.56.9'), SCTPChunkParamDelIPAddr(correlation_id=2, addr_type=6, addr='fd00:56::9'), SCTPChunkParamSetPrimaryAddr(correlation_id=3, addr_type=99, addr=b'xyz'), SCTPChunkParamSuccessIndication(correlation_id=4), SCTPChunkParamErrorIndication(correlation_id=5, error_causes=b'\x00\x01\x00\x04')]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkAddressConfAck(seq=5, params=[SCTPChunkParamSuccessIndication(correlation_id=1)]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkReConfig(params=[SCTPChunkParamOutSSNResetReq(re_conf_req_seq_num=1, re_conf_res_seq_num=2, tsn=3, stream_num_list=[1, 2, 3]), SCTPChunkParamSSNTSNResetReq(re_conf_req_seq_num=4)]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkReConfig(params=[SCTPChunkParamSSNTSNResetReq(re_conf_req_seq_num=4), SCTPChunkParamAddOutgoingStreamReq(re_conf_req_seq_num=5, num_new_stream=2, reserved=0), SCTPChunkParamECNCapable()]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkForwardTSN(new_tsn=9, skips=[SCTPForwardSkip(stream_id=1, stream_seq=2), SCTPForwardSkip(stream_id=5, stream_seq=7)])/SCTPChunkIForwardTSN(new_tsn=10, skips=[SCTPIForwardSkip(stream_id=0x8000, unordered=1, message_id=4)]),
 SCTP_IP()/SCTP_HEADER()/Raw(b'\x63\x00\x00\x08abcd' + b'\x0b\x00\x00\x04' + b'\x0b\x00'),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkCookieAck()/Raw(b'\x0e'),
 SCTP_IP6()/SCTP_HEADER()/SCTPChunkData(tsn=7, beginning=1, ending=1, data=b'v6')/SCTPChunkSACK(cumul_tsn_ack=7, a_rwnd=5),
 Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IP(src='192.168.56.101', dst='192.168.56.102')/ICMP(type=3, code=3)/IP(src='192.168.56.102', dst='192.168.56.101')/SCTP_HEADER()/SCTPChunkInit(init_tag=1),
 SCTP_IP6()/ICMPv6DestUnreach()/IPv6(src='fd00:56::101', dst='fd00:56::102')/SCTP_HEADER()/SCTPChunkCookieAck(),
 Ether()/IP(src='192.168.56.101', dst='192.168.56.102', flags='MF', frag=8)/SCTP_HEADER()/SCTPChunkCookieAck(),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkData(len=3, beginning=1, ending=1, data=b'abc'),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkHeartbeatReq(len=2, params=[SCTPChunkParamHeartbeatInfo(data=b'ab')]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(len=12, params=[SCTPChunkParamIPv4Addr()]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamHostname(len=1, hostname=b'abcdefg'), SCTPChunkParamIPv4Addr()]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkSACK(n_gap_ack=3, n_dup_tsn=1, gap_ack_list=['1:2']),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkSACK(gap_ack_list=['1:2']*101),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkSACK(gap_ack_list=['1:2']*100, dup_tsn_list=[1]*100),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamECNCapable()]*101),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamECNCapable()]*100),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamSupportedAddrTypes(addr_type_list=[5]*101)]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamSupportedAddrTypes(addr_type_list=[5]*100)]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(len=5, params=[SCTPChunkParamIPv4Addr(), SCTPChunkParamIPv4Addr()]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkData(len=0, beginning=1, ending=1, data=b'abcdefgh'),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkAbort(len=0, error_causes=b'abcdefgh')/SCTPChunkCookieAck(),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamSupportedAddrTypes(len=5, addr_type_list=[5, 6])]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkInit(params=[SCTPChunkParamAddIPAddr(addr_type=7, addr_len=0, addr=b'')]),
 SCTP_IP()/SCTP_HEADER()/SCTPChunkIData(len=1, beginning=0, data=b'xyzw'),
 SCTP_IP()/IP(proto=132)/Raw(b'\x00\x01\x00\x02\x00\x00'),
]
NBNS_ASK = lambda: Ether(src='08:00:27:a8:38:66', dst='ff:ff:ff:ff:ff:ff')/IP(src='192.168.56.102', dst='192.168.56.255')/UDP(sport=137, dport=137)
NBNS_TELL = lambda: Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IP(src='192.168.56.101', dst='192.168.56.102')/UDP(sport=137, dport=137)
frames += [
 NBNS_ASK()/NBNSHeader(NAME_TRN_ID=0x1234, NM_FLAGS=0x11, QDCOUNT=1)/NBNSQueryRequest(QUESTION_NAME=b'BROOKLYN'),
 NBNS_TELL()/NBNSHeader(NAME_TRN_ID=0x1234, RESPONSE=1, NM_FLAGS=0x50, ANCOUNT=1)/NBNSQueryResponse(RR_NAME=b'BROOKLYN', ADDR_ENTRY=[NBNS_ADD_ENTRY(NB_ADDRESS='192.168.56.101'), NBNS_ADD_ENTRY(G=1, OWNER_NODE_TYPE=3, NB_ADDRESS='10.0.0.1')]),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x58, ANCOUNT=1)/NBNSQueryResponse(RR_NAME=b'X', ADDR_ENTRY=[]),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x78, ANCOUNT=1)/NBNSQueryResponse(RR_NAME=b'BROOKLYN', RDLENGTH=9, ADDR_ENTRY=[NBNS_ADD_ENTRY(NB_ADDRESS='192.168.56.101')])/Raw(b'abcdef'),
 NBNS_ASK()/NBNSHeader(NM_FLAGS=0, QDCOUNT=1)/NBNSNodeStatusRequest(),
 NBNS_ASK()/NBNSHeader(NM_FLAGS=1, QDCOUNT=1)/NBNSNodeStatusRequest(QUESTION_NAME=b'caf\xc3\xa9\xff'),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x40, ANCOUNT=1)/NBNSNodeStatusResponse(RR_NAME=b'*', NODE_NAME=[NBNSNodeStatusResponseService(NETBIOS_NAME=b'BROOKLYN       ', SUFFIX=0x20), NBNSNodeStatusResponseService(NETBIOS_NAME=b'WORKGROUP\x00', SUFFIX=0x1e, NAME_FLAGS=0x84, UNUSED=3)], MAC_ADDRESS='08:00:27:a8:38:65', STATISTICS=bytes(range(46))),
 NBNS_ASK()/NBNSHeader(OPCODE=5, NM_FLAGS=0x11, QDCOUNT=1, ARCOUNT=1)/NBNSRegistrationRequest(QUESTION_NAME=b'MIDWOOD', TTL=300000, NB_ADDRESS='192.168.56.102'),
 NBNS_ASK()/NBNSHeader(OPCODE=5, NM_FLAGS=0x10, QDCOUNT=1, ARCOUNT=1)/NBNSRegistrationRequest(QUESTION_NAME=b'LABGROUP', G=1, OWNER_NODE_TYPE=1, UNUSED=5, NB_ADDRESS='192.168.56.102'),
 NBNS_TELL()/NBNSHeader(OPCODE=7, RESPONSE=1, NM_FLAGS=0x40, ANCOUNT=1)/NBNSWackResponse(RR_NAME=b'MIDWOOD'),
 NBNS_ASK()/NBNSHeader(OPCODE=0, NM_FLAGS=0x11, QDCOUNT=2)/Raw(b'xyz'),
 NBNS_ASK()/NBNSHeader(OPCODE=0, RESPONSE=1, NM_FLAGS=0x11, QDCOUNT=1, RCODE=3)/NBNSQueryRequest(QUESTION_NAME=b'A', SUFFIX=0x4141+0x20, QUESTION_TYPE=0x21, QUESTION_CLASS=7),
 NBNS_ASK()/NBNSHeader(OPCODE=0, NM_FLAGS=0x11, QDCOUNT=1)/Raw(b'\x20' + b'\x00' * 4 + b'EBEC' + b'\x00' * 22 + b'\x41\x42\x00\x00\x20\x00\x01'),
 NBNS_ASK()/NBNSHeader(OPCODE=0, NM_FLAGS=0x11, QDCOUNT=1)/Raw(b'\x20' + b'ZZ' * 15 + b'\x41\x41\x00\x00\x20\x00\x01'),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x40, ANCOUNT=1)/NBNSNodeStatusResponse(RR_NAME=b'*', NUM_NAMES=3, NODE_NAME=[NBNSNodeStatusResponseService(NETBIOS_NAME=b'BROOKLYN')], MAC_ADDRESS='08:00:27:a8:38:65'),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x40, ANCOUNT=1)/NBNSNodeStatusResponse(RR_NAME=b'*', NODE_NAME=[NBNSNodeStatusResponseService(NETBIOS_NAME=b'N%d' % i) for i in range(101)], MAC_ADDRESS='08:00:27:a8:38:65'),
 NBNS_TELL()/NBNSHeader(RESPONSE=1, NM_FLAGS=0x50, ANCOUNT=1)/NBNSQueryResponse(RR_NAME=b'BIG', ADDR_ENTRY=[NBNS_ADD_ENTRY(NB_ADDRESS='10.0.0.%d' % i) for i in range(101)]),
 Ether()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=40000, dport=137)/Raw(b'\x00\x01\x01\x10\x00\x01'),
 Ether()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=137, dport=53)/Raw(b'\x00\x01\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00'),
]
DHCP6_CLIENT_FRAME = lambda: Ether(src='08:00:27:a8:38:66', dst='33:33:00:01:00:02')/IPv6(src='fe80::a00:27ff:fea8:3866', dst='ff02::1:2')/UDP(sport=546, dport=547)
DHCP6_SERVER_FRAME = lambda: Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IPv6(src='fe80::a00:27ff:fea8:3865', dst='fe80::a00:27ff:fea8:3866')/UDP(sport=547, dport=546)
DHCP6_LLT = DUID_LLT(lladdr='08:00:27:a8:38:66', timeval=700000000)
DHCP6_SRV = DUID_LL(lladdr='08:00:27:a8:38:65')
frames += [
 DHCP6_CLIENT_FRAME()/DHCP6_Solicit(trid=0x123456)/DHCP6OptClientId(duid=DHCP6_LLT)/DHCP6OptElapsedTime(elapsedtime=150)/DHCP6OptIA_NA(iaid=0x27a83866)/DHCP6OptOptReq(reqopts=[23, 24, 39, 999])/DHCP6OptClientFQDN(flags='S', fqdn=b'midwood.lab.')/DHCP6OptVendorClass(enterprisenum=311, vcdata=[VENDOR_CLASS_DATA(data=b'MSFT 5.0')])/DHCP6OptRapidCommit()/DHCP6OptReconfAccept(),
 DHCP6_SERVER_FRAME()/DHCP6_Advertise(trid=0x123456)/DHCP6OptServerId(duid=DHCP6_SRV)/DHCP6OptClientId(duid=DHCP6_LLT)/DHCP6OptIA_NA(iaid=0x27a83866, T1=300, T2=480, ianaopts=[DHCP6OptIAAddress(addr='fd00:56::150', preflft=600, validlft=0xffffffff), DHCP6OptStatusCode(statuscode=0, statusmsg=b'ok')])/DHCP6OptPref(prefval=255)/DHCP6OptDNSServers(dnsservers=['fd00:56::101', 'fd00:56::53'])/DHCP6OptDNSDomains(dnsdomains=['lab.', 'example.org.']),
 DHCP6_SERVER_FRAME()/DHCP6_Reply(trid=1)/DHCP6OptServerId(duid=DUID_EN(enterprisenum=8072, id=b'\x01\x02\x03'))/DHCP6OptClientId(duid=DUID_UUID(uuid='12345678-1234-5678-1234-567812345678'))/DHCP6OptIA_PD(iaid=1, T1=1, T2=2, iapdopt=[DHCP6OptIAPrefix(prefix='2001:db8:1::', plen=56, preflft=100, validlft=200)])/DHCP6OptInfoRefreshTime(reftime=3600)/DHCP6OptSNTPServers(sntpservers=['fd00::123'])/DHCP6OptNTPServer(ntpserver=[DHCP6NTPSubOptSrvAddr(addr='fd00::123'), DHCP6NTPSubOptSrvFQDN(fqdn=b'ntp.lab.')]),
 DHCP6_CLIENT_FRAME()/DHCP6_InfoRequest(trid=7)/DHCP6OptClientId(duid=DUID_EN(enterprisenum=311, id=b'x'))/DHCP6OptUnknown(optcode=200, data=b'abc')/DHCP6OptUserClass(userclassdata=[USER_CLASS_DATA(data=b'lab'), USER_CLASS_DATA(data=b'x')])/DHCP6OptVendorSpecificInfo(enterprisenum=9, vso=[VENDOR_SPECIFIC_OPTION(optcode=1, optdata=b'v')]),
 DHCP6_CLIENT_FRAME()/DHCP6_Renew(trid=2)/DHCP6OptIA_TA(iaid=5, iataopts=[DHCP6OptIAAddress(addr='fd00::5')])/DHCP6OptAuth(proto=3, alg=1, rdm=0, replay=b'\x00'*7+b'\x01', authinfo=b'key')/DHCP6OptServerUnicast(srvaddr='fd00::1')/DHCP6OptStatusCode(statuscode=2, statusmsg=b'none left'),
 DHCP6_SERVER_FRAME()/DHCP6_Reconf(trid=3)/DHCP6OptReconfMsg(msgtype=5)/DHCP6OptSIPDomains(sipdomains=['sip.lab.'])/DHCP6OptSIPServers(sipservers=['fd00::5060'])/DHCP6OptNISServers(nisservers=['fd00::1'])/DHCP6OptNISDomain(nisdomain=b'nis.lab.')/DHCP6OptNISPServers()/DHCP6OptNISPDomain(nispdomain=b'')/DHCP6OptBCMCSDomains(bcmcsdomains=['b.lab.'])/DHCP6OptBCMCSServers(bcmcsservers=['fd00::b']),
 DHCP6_SERVER_FRAME()/DHCP6_Reply(trid=4)/DHCP6OptRemoteID(enterprisenum=9, remoteid=b'r')/DHCP6OptSubscriberID(subscriberid=b's')/DHCP6OptPanaAuthAgent(paaaddr=['fd00::a'])/DHCP6OptNewPOSIXTimeZone(optdata=b'CET-1')/DHCP6OptNewTZDBTimeZone(optdata=b'Europe/Paris')/DHCP6OptRelayAgentERO(reqopts=[1, 2])/DHCP6OptLQClientLink(linkaddress=['fd00::1'])/DHCP6OptBootFileUrl(optdata=b'tftp://x/boot')/DHCP6OptClientArchType(archtypes=[7, 9])/DHCP6OptClientNetworkInterId(iitype=1, iimajor=3, iiminor=16),
 DHCP6_SERVER_FRAME()/DHCP6_Reply(trid=5)/DHCP6OptERPDomain(erpdomain=['erp.lab.'])/DHCP6OptRelaySuppliedOpt(relaysupplied=[DHCP6OptIfaceId(ifaceid=b'eth0')])/DHCP6OptVSS(type=1, data=b'vpn')/DHCP6OptClientLinkLayerAddr(clladdr='08:00:27:a8:38:66')/DHCP6OptCaptivePortal(URI=b'https://portal.lab/')/DHCP6OptMudUrl(mudstring=b'https://mud.lab/')/DHCP6OptAddrRegEnable()/DHCP6OptIfaceId(ifaceid=b'eth0'),
 Ether()/IPv6(src='fe80::1', dst='ff02::1:2')/UDP(sport=547, dport=547)/DHCP6_RelayForward(hopcount=1, linkaddr='fd00:56::1', peeraddr='fe80::a00:27ff:fea8:3866')/DHCP6OptIfaceId(ifaceid=b'eth0')/DHCP6OptRelayMsg(message=DHCP6_Solicit(trid=9)/DHCP6OptElapsedTime())/DHCP6OptClientLinkLayerAddr(clladdr='08:00:27:a8:38:66'),
 Ether()/IPv6(src='fe80::2', dst='fe80::1')/UDP(sport=547, dport=547)/DHCP6_RelayReply(hopcount=0, linkaddr='fd00:56::1', peeraddr='fe80::a00:27ff:fea8:3866')/DHCP6OptRelayMsg(message=DHCP6_Reply(trid=9)/DHCP6OptStatusCode()),
 DHCP6_CLIENT_FRAME()/DHCP6_Solicit()/DHCP6OptIAAddress(addr='fd00::9')/DHCP6OptRapidCommit(),
 DHCP6_CLIENT_FRAME()/DHCP6_Confirm()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptStatusCode(statuscode=0), DHCP6OptIAAddress(addr='fd00::9')]),
 DHCP6_CLIENT_FRAME()/DHCP6_Rebind()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr='fd00::9', iaaddropts=[DHCP6OptStatusCode(statuscode=1)]), Raw(b'\x00\x63\x00\x01z')]),
 DHCP6_CLIENT_FRAME()/DHCP6_Release()/DHCP6OptClientId(duid=Raw(b'\x00\x09\x00\x00\x00'))/DHCP6OptServerId(duid=Raw(b'\x00\x01\x00'))/DHCP6OptClientId(optlen=0),
 DHCP6_CLIENT_FRAME()/DHCP6_Decline()/Raw(b'\x00\x08\x00'),
 DHCP6_CLIENT_FRAME()/DHCP6_AddrRegInform()/DHCP6OptOptReq(reqopts=[]),
 DHCP6_SERVER_FRAME()/DHCP6_AddrRegReply()/DHCP6OptElapsedTime(elapsedtime=0xffff),
 DHCP6_CLIENT_FRAME()/Raw(b'\x63\x00\x00\x00\x00\x01'),
 DHCP6_CLIENT_FRAME()/Raw(b'\x01'),
 Ether()/IPv6()/UDP(sport=1000, dport=546)/DHCP6_Reply(),
 DHCP6_CLIENT_FRAME()/DHCP6_Solicit()/Raw(b'\x00\x24\x00\x03\x02FR'),
 DHCP6_CLIENT_FRAME()/DHCP6_Solicit()/DHCP6OptOptReq(optlen=3, reqopts=[23, 24]),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptStatusCode(statuscode=0)/DHCP6OptElapsedTime()/DHCP6OptIAAddress(addr='fd00::1'), DHCP6OptIAAddress(addr='fd00::2')])/DHCP6OptRapidCommit(),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptUnknown(optcode=999, data=b'z'), DHCP6OptIAAddress(addr='fd00::2')]),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptClientId(duid=DUID_LLT(lladdr='08:00:27:a8:38:66')/Raw(b'extra'))/DHCP6OptServerId(duid=Raw(b'\x00\x04' + bytes(10)))/DHCP6OptClientId(duid=Raw(b'\x00\x02\x00\x00\x00'))/DHCP6OptServerId(duid=Raw(b'\x00\x07abc')),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr='fd00::%x' % i) for i in range(101)]),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr='fd00::%x' % i) for i in range(100)]),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptDNSDomains(dnsdomains=["caf\xe9.lab.", "it's.lab."])/DHCP6OptSIPDomains(sipdomains=['a"b\'c.'])/DHCP6OptOptReq(reqopts=[1,2], optlen=5)/Raw(b'\x00\x00'),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptUserClass(userclassdata=[USER_CLASS_DATA(data=b'abc')], optlen=6)/DHCP6OptUserClass(optlen=1)/Raw(b'\x05\x00\x00\x00'),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptVendorSpecificInfo(enterprisenum=1, vso=[VENDOR_SPECIFIC_OPTION(optcode=1, optdata=b'abc')], optlen=9),
 Ether()/IPv6()/UDP(sport=547, dport=547)/DHCP6_RelayForward(hopcount=1)/DHCP6OptRelayMsg(message=DHCP6_RelayForward(hopcount=0)/DHCP6OptRelayMsg(message=DHCP6_Solicit()/DHCP6OptIA_NA(ianaopts=[DHCP6OptIAAddress()])/DHCP6OptIAAddress()/Raw(b'pad'))),
 Ether()/IPv6()/UDP(sport=547, dport=547)/DHCP6_RelayReply()/DHCP6OptRelayMsg(message=Raw(b'\x63abc'))/DHCP6OptRelayMsg(optlen=0)/DHCP6OptRelayMsg(message=Raw(b'\x07'))/DHCP6OptRelayMsg(message=DHCP6_Reply(), optlen=3),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptIA_PD(iapdopt=[DHCP6OptIAPrefix(prefix='2001:db8::', iaprefopts=[DHCP6OptStatusCode(statusmsg=b'x')])/Raw(b'zz')]),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptNTPServer(ntpserver=[DHCP6NTPSubOptMCAddr(addr='ff05::101'), Raw(b'\x00\x09xx')])/DHCP6OptNTPServer(ntpserver=[DHCP6NTPSubOptSrvFQDN(fqdn=b'x.'), DHCP6NTPSubOptSrvAddr()], optlen=10),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptClientFQDN(optlen=0)/DHCP6OptNISDomain(nisdomain=b'a.b.', optlen=2)/DHCP6OptNISPDomain(optlen=3)/Raw(b'\x01\xc0\x05'),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptDNSServers(dnsservers=['fd00::1'], optlen=20)/Raw(b'\x00\x0e\x00\x00'),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptAuth(optlen=5, replay=b'ab'),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptClientArchType(archtypes=[1], optlen=3),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptClientArchType(archtypes=list(range(101))),
 DHCP6_CLIENT_FRAME()/DHCP6_Request()/DHCP6OptNISPDomain(nispdomain=b'\x01\xc0\x05'),
]
ISAKMP_UDP = lambda s=500, d=500: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
IKE_TRANSFORM = ISAKMP_payload_Transform(transform_count=1, transforms=[('Encryption', 'AES-CBC'), ('KeyLength', 256), ('Hash', 'SHA'), ('GroupDesc', '2048MODPgr'), ('Authentication', 'PSK'), ('LifeType', 'Seconds'), ('LifeDuration', 86400)])
frames += [
 ISAKMP_UDP()/ISAKMP(init_cookie=b'\x01'*8, next_payload=1, exch_type=2)/ISAKMP_payload_SA(next_payload=13, prop=ISAKMP_payload_Proposal(trans_nb=1, trans=IKE_TRANSFORM))/ISAKMP_payload_VendorID(VendorID=b'\xaf\xca\xd7\x13h\xa1\xf1\xc9k\x86\x96\xfcwW\x01\x00'),
 ISAKMP_UDP()/ISAKMP(init_cookie=b'\x01'*8, resp_cookie=b'\x02'*8, next_payload=4, exch_type=2)/ISAKMP_payload_KE(next_payload=10, ke=bytes(range(16)))/ISAKMP_payload_Nonce(next_payload=20, nonce=b'n'*8)/ISAKMP_payload(next_payload=0, load=b'natd'),
 ISAKMP_UDP(4500, 4500)/NON_ESP()/ISAKMP(init_cookie=b'\x01'*8, resp_cookie=b'\x02'*8, next_payload=5, exch_type=2)/ISAKMP_payload_ID(next_payload=8, IDtype=1, IdentData='192.168.56.102')/ISAKMP_payload_Hash(hash=b'h'*20),
 ISAKMP_UDP()/ISAKMP(init_cookie=b'\x01'*8, next_payload=5, exch_type=4)/ISAKMP_payload_ID(next_payload=9, IDtype=2, IdentData=b'midwood.lab')/ISAKMP_payload_SIG(sig=b's'*4),
 ISAKMP_UDP()/ISAKMP(next_payload=11, exch_type=5)/ISAKMP_payload_Notify(next_payload=12, proto=3, SPI=b'\x00\x00\x10\x00', notify_msg_type=36136, notify_data=b'\x00\x00\x00\x07')/ISAKMP_payload_Delete(proto=3, SPIs=[b'\x00\x00\x10\x00', b'\x00\x00\x20\x00']),
 ISAKMP_UDP()/ISAKMP(next_payload=8, exch_type=32, flags=1)/Raw(b'encrypted!'),
 ISAKMP_UDP()/ISAKMP(next_payload=3, exch_type=2, flags=6)/ISAKMP_payload_Transform(transforms=[(1, 7), (14, 256)]),
 ISAKMP_UDP()/ISAKMP(init_cookie=b'\x01'*8, next_payload=33, version=0x20, exch_type=34, flags=8)/Raw(b'\x22\x00\x00\x08abcd\x00\x00\x00\x05x'),
 ISAKMP_UDP()/ISAKMP(next_payload=1)/ISAKMP_payload_SA(prop=ISAKMP_payload_Proposal(proto=3, SPI=b'\x01\x02\x03\x04', trans=ISAKMP_payload_Transform(transforms=[('LifeType', 'seconds'), ('EncapsulationMode', 'Tunnel'), ('AuthenticationAlgorithm', 'HMAC-SHA'), ('KeyLength', 128)]))),
 ISAKMP_UDP()/ISAKMP(next_payload=1)/ISAKMP_payload_SA(prop=Raw(b'\x00\x00\x00\x08\x01\x01\x00\x00')),
 ISAKMP_UDP()/ISAKMP(next_payload=3)/ISAKMP_payload_Transform(transforms=[(1, 7), (14, 0x123456789)]),
 ISAKMP_UDP()/Raw(b'\x01\x02\x03'),
 ISAKMP_UDP(500, 4000)/ISAKMP()/Raw(b'tail'),
 ISAKMP_UDP()/ISAKMP(next_payload=13)/ISAKMP_payload_VendorID(VendorID=b'unknown vendor'),
 ISAKMP_UDP()/ISAKMP(next_payload=2)/ISAKMP_payload_Proposal(SPIsize=9, SPI=b'ab', trans=Raw(b'\x00\x00\x00\x04')),
 ISAKMP_UDP()/ISAKMP(next_payload=12)/ISAKMP_payload_Delete(SPIsize=0, SPIcount=3),
 ISAKMP_UDP()/ISAKMP(next_payload=11)/ISAKMP_payload_Notify(length=3, SPI=b'abcd'),
 ISAKMP_UDP()/ISAKMP(next_payload=1)/Raw(b'\x00\x00\x00\x20\x00\x00\x00\x01\x00\x00\x00\x01'),
 ISAKMP_UDP(4500, 4500)/NON_ESP()/ISAKMP(init_cookie=b'\x03'*8, next_payload=41, version=0x20, exch_type=37)/Raw(b'\x00\x00\x00\x0cabcdefgh'),
 Ether()/IPv6(src='fd00:56::102', dst='fd00:56::101')/UDP(sport=500, dport=500)/ISAKMP(next_payload=3)/ISAKMP_payload_Transform(transforms=[(1, 7), (14, 128)]),
]
PPTP_IP = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')
frames += [
 PPTP_IP()/GRE_PPTP(call_id=5, seqnum_present=1, sequence_number=3, acknum_present=1, ack_number=2)/PPP()/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(),
 PPTP_IP()/GRE_PPTP(call_id=5, routing_present=1)/PPP(proto=0xc021)/PPP_LCP_Echo(code=10),
 PPTP_IP()/GRE_PPTP(call_id=5, acknum_present=1, ack_number=9),
 PPTP_IP()/GRE_PPTP(version=0, proto=0x880b)/Raw(b'\x00\x21'),
 PPTP_IP()/GRE_PPTP(call_id=7, seqnum_present=1, sequence_number=1)/PPP(proto=0xc223)/PPP_CHAP_ChallengeResponse(code=1, value=b'\x01'*16, optional_name=b'vpn'),
 Ether()/IPv6(src='fd00::1', dst='fd00::2')/GRE_PPTP(call_id=1)/PPP(proto=0x57)/IPv6(src='fd00:1::1', dst='fd00:1::2')/UDP(),
 PPTP_IP()/GRE(routing_present=1)/Raw(b'\x08\x00\x00\x04\x0a\x00\x00\x01' + b'\x08\x00\x00\x02ab' + b'\x00\x00\x00\x00tail'),
]
NTP_UDP = lambda: U()
NTP_CLIENT = lambda: NTP(version=4, mode=3, ref=0, orig=0, recv=0, sent=3909000000.25)
NTP_AUTH = struct.pack('!I', 7) + bytes(range(16))
ntp_frames += [
 NTP_UDP()/NTP_CLIENT()/Raw(struct.pack('!HH', 0x0104, 16) + bytes(12) + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(struct.pack('!HH', 0x0104, 20) + bytes(16) + struct.pack('!HH', 0x0204, 16) + b'x' * 12 + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(struct.pack('!HH', 1, 0) + bytes(12) + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(struct.pack('!HH', 1, 8) + bytes(12) + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(struct.pack('!HH', 1, 400) + bytes(20) + b'tail!' + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(b'abc' + NTP_AUTH),
 NTP_UDP()/NTP_CLIENT()/Raw(bytes(21)),
]
# NTP control messages (mode 6): requests, each status class of a response, the
# read-status list (whole, cut, empty), data padded to 4 bytes, an authenticator, a
# count past the end, a message Scapy gives up.
H = bytes.fromhex
ntp_frames += [NTP_UDP()/Raw(m) for m in [
 bytes(NTPControl(op_code=1, sequence=1)),
 bytes(NTPControl(op_code=2, sequence=2, data=b'version,leap')),
 H('16810001000000000000000c') + H('f39a9614f4ab9624f4ac9414'),
 H('16810001000000000000000e') + H('f39a9614f4ab9624f4ac'),
 H('1681000100000000000c0000') + H('f39a9614f4ab9624f4ac9414'),
 H('16820002061500000000001d') + b'version="ntpd 4.2.8p15", lea' + bytes(3),
 H('16820003961400010000000a') + b'srcadr=1.2' + bytes(2),
 H('16c40004030000010000000000'),
 H('16c20005050000000000'),
 H('16860006abcd00000000000000000001') + bytes(16),
 H('16020007000000000000000c') + b'peer,offset\x00' + H('00000001') + bytes(16),
 H('16020008000000000000ffff') + b'abc',
 H('d68100090000000000050000') + H('f39a9614f4'),
 H('1e0100090000000000000000aabb'),
]]
# NTP private messages (mode 7): ntpdc's requests (monlist, peer info with the
# authentication tail, configuration items, padding), a response of each item class
# (bytes after an item, an unknown request code, interface statistics of both
# families), items Scapy gives up, the tail cut short, bytes after the items.
I = lambda code, count, size, body, first=0x97, auth=0: bytes([first, auth, 3, code]) + struct.pack('!HH', count, size) + body
monitor = bytes(NTPInfoMonitor1(lasttime=5, firsttime=100, count=42, addr='192.168.56.102', daddr='192.168.56.101', port=123, mode=3, version=4))
peer = bytes(NTPInfoPeerList(addr='192.168.56.101', port=123, hmode=3, flags=3))
summary = bytes(NTPInfoPeerSummary(dstaddr='1.2.3.4', hmode=3, offset=3.5, delay=0.25))
info = bytes(NTPInfoPeer(dstaddr='1.2.3.4', precision=-20, flash2=0x1234, keyid=7, reftime=3900000000.5))
if4 = bytes(NTPInfoIfStatsIPv4(unaddr='192.168.56.101', ifname=b'eth0', peercnt=2))
if6 = bytes(NTPInfoIfStatsIPv6(unaddr='fd00:56::1', ifname=b'eth0', v6_flag=1, family=10))
pattern = lambda code, n: bytes((i * 7 + code) & 0xff for i in range(n))
ntp_frames += [NTP_UDP()/Raw(m) for m in [
 bytes(NTPPrivate(implementation=3, request_code=42, nb_items=1, data_item_size=40, req_data=[NTPPrivateReqPacket(req_data=bytes(40))])),
 I(42, 2, 72, monitor * 2, 0xd7),
 I(0, 2, 72, monitor * 2),
 I(0, 1, 32, peer),
 I(1, 1, len(summary), summary),
 I(2, 1, len(info), info),
 *[I(code, 1, size, pattern(code, size)) for code, size in [(3, 120), (4, 80), (5, 44), (6, 40), (7, 148), (8, 24), (9, 16), (10, 168), (11, 24), (28, 36), (30, 48), (34, 60), (38, 60)]],
 I(44, 1, len(if4), if4),
 I(44, 2, len(if6), if6 + if4[:len(if6)]),
 I(99, 1, 8, b'abcdefgh' + b'tail'),
 I(2, 1, 32, peer + bytes(8) + H('e8b2d6a10000000000000001') + bytes(16), 0x17, 0x80),
 I(10, 1, 168, bytes(NTPConfPeer(peeraddr='10.0.0.1', keystr=b'secret', flags=5)), 0x17),
 I(17, 1, 48, bytes(NTPConfRestrict(addr='10.0.0.0', mask='255.0.0.0', flags=0x41)), 0x17),
 I(30, 2, 48, bytes(NTPConfTrap(local_address='1.1.1.1')) * 2, 0x17),
 I(22, 1, 24, bytes(NTPConfUnpeer(peeraddr='10.0.0.1')), 0x17),
 I(0, 0, 0, bytes(40), 0x17),
 I(0, 2, 8, bytes(40), 0x17),
 I(0, 3, 8, bytes(20), 0x17),
 I(3, 1, 10, bytes(10)),
 I(44, 1, 40, bytes(40)),
 H('97710300ffff00040000'),
]]
ntp_frames += [NTP_UDP()/Raw(I(0, 0, 0, bytes(n), 0x17, 0x80)) for n in [0, 10, 14, 15, 16, 20, 28, 40]]
frames += ntp_frames
# ND redirects with the redirected header: the packet inside (UDP, TCP, ICMPv6, a
# redirect inside a redirect), lengths of 0, 1 and 2, reserved bytes cut short.
REDIRECT = lambda: Ether(src='08:00:27:a8:38:65', dst='08:00:27:a8:38:66')/IPv6(src='fe80::1', dst='fe80::2', hlim=255)/ICMPv6ND_Redirect(tgt='fe80::3', dst='fd00:99::1')
frames += [
 REDIRECT()/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00:56::102', dst='fd00:99::1')/UDP(sport=1000, dport=53)/Raw(b'abcdefgh')),
 REDIRECT()/ICMPv6NDOptDstLLAddr(lladdr='08:00:27:a8:38:99')/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00:56::102', dst='fd00:99::1')/TCP(sport=40000, dport=5000, flags='S')),
 REDIRECT()/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00::1', dst='fd00::2')/ICMPv6EchoRequest(data=b'ping1234')),
 REDIRECT()/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00::1', dst='fd00::2', plen=4)/Raw(b'12345678')),
 REDIRECT()/Raw(b'\x04\x01' + b'\x00' * 6),
 REDIRECT()/Raw(b'\x04\x02' + b'\x00' * 6 + b'abcdefgh'),
 REDIRECT()/Raw(b'\x04\x00' + b'\x00' * 6 + b'abcdefghijkl'),
 REDIRECT()/Raw(b'\x04\x01' + b'\x00' * 6 + b'\x01\x01\x00\x00\x00\x00\x00\x00'),
 REDIRECT()/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00::1', dst='fd00::2')/ICMPv6ND_Redirect(tgt='fe80::3', dst='fd00:99::1')/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src='fd00::5', dst='fd00::6')/UDP())),
]
out = []
for f in frames:
    b = bytes(f)
    out.append(b)
    if len(sys.argv) > 2:
        # every cut from the end of the outer IP header on; of the long frames (lists
        # of 100 items and more) the first and last 100 only, where their lists end
        start = 14 + (40 if b[12:14] == b'\x86\xdd' else 20)
        cuts = range(start, len(b))
        if len(b) > 600:
            cuts = [*range(start, start + 100), *range(len(b) - 100, len(b))]
        out.extend(b[:n] for n in cuts)
w = RawPcapWriter(sys.argv[1], linktype=1)
for b in out:
    w.write(b)
w.close()
"#;

fn scratch(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("labnet-protocols-{}-{name}", std::process::id()))
}

#[test]
fn scapy_built_tunnels_and_multicast_control_read_as_scapy_reads_them() {
    require!("python3");
    // Each protocol was decoded, not left as Raw on both sides.
    whole_and_cut_as_scapy(BUILD_FRAMES, "frames", 500, &[
        "Ether / 192.168.56.102 > 224.0.0.18 vrrp / VRRP",
        "Ether / fd00:56::2 > ff02::12 (112) / VRRPv3",
        "Ether / IP / GRE / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IP / GRE / IPv6 / UDP fd00:1::1:1000 > fd00:1::2:2000",
        "Ether / IP / GRE / Ether / ARP who has 10.0.0.2 says 10.0.0.1",
        "gre / GRE / GRErouting",
        "Ether / IP / UDP / VXLAN / Ether / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "VXLAN / IP / TCP 10.0.0.1:ftp_data > 10.0.0.2:http S",
        "Ether / IP / UDP / DNS",
        "IGMP: 192.168.56.102 > 224.0.0.1 Group Membership Query 0.0.0.0",
        "IGMP: 192.168.56.102 > 224.0.0.2 Leave Group 224.0.0.251",
        "IGMPv3: 192.168.56.102 > 224.0.0.22 Version 3 - Membership Report",
        "IGMPv3: 192.168.56.102 > 224.0.0.1 Membership Query",
        "Ether / IP / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IP / IPv6 / ICMPv6 Echo Request (id: 0x0 seq: 0x0)",
        "Ether / IP / ICMP / IPerror / GRE / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IP / ICMP / IPerror / UDPerror / DNS Qry b'lab.'",
        "Ether / IP / ICMP / IPerror / IGMP: ?? > ?? Version 2 - Membership Report 224.0.0.1",
        "Ether / IPv6 / ICMPv6DestUnreach / IPerror6 / UDPerror / DNS Qry b'lab.'",
        "Ether / IP / UDP / DNS Ans 192.168.56.101",
        "Ether / IP / UDP / BOOTP / DHCP Discover",
        "Ether / IP / UDP / BOOTP / DHCP Ack",
        "Ether / IP / UDP 0.0.0.0:bootpc > 255.255.255.255:bootps / BOOTP",
        "Ether / IP / UDP / NTP v4, client",
        "Ether / IP / UDP / NTP v4, symmetric active / NTPAuthenticator",
        "Ether / IP / UDP / NTP v2, NTP control message",
        "Ether / IP / UDP / NTP v2, reserved for private use",
        "Ether / IP / UDP / NTP v2, reserved for private use / Raw",
        "route > 224.0.0.9:route / RIP / RIPAuth / RIPEntry / RIPAuth",
        "route > 224.0.0.9:route / RIP / RIPEntry / RIPEntry",
        "Ether / 802.1q 08:00:27:a8:38:66 > 01:80:c2:00:00:00 (0x26) vlan 5 / LLC / STP",
        "08:00:27:a8:38:66 > 01:00:0c:cc:cc:cd (0x8870) / LLC / SNAP / STP",
        "vlan 5 / LLC / SNAP / STP",
        "Dot3 / LLC / SNAP / ARP who has 192.168.56.101 says 192.168.56.102",
        "224.0.0.2:1985 / HSRP / HSRPmd5",
        "224.0.0.2:1985 / HSRPAdvertise",
        "224.0.0.102:1985 / HSRPv2 / HSRPv2TextAuth",
        "224.0.0.102:2029 / HSRPv2",
        "Ether / ARP who has fd00:56::101 says fd00:56::102",
        "Ether / ARP 0 b'' > b'' / Padding",
        "Ether / ARP InARP-req 10.0.0.1 > 10.0.0.2",
        "Ether / IP / AH / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IPv6 / AH / IPv6 / ICMPv6 Echo Request (id: 0x0 seq: 0x0)",
        "Ether / 192.168.56.102 > 192.168.56.101 esp / ESP",
        "ipsec_nat_t > 192.168.56.101:ipsec_nat_t / NAT_KEEPALIVE",
        "224.0.0.252:5355 / LLMNRQuery who has 'brooklyn.'",
        "5355 > 192.168.56.102:50000 / LLMNRResponse 'brooklyn.' is at 'fd00:56::101'",
        "LLMNRQuery who has '.' / Raw",
        "224.0.0.252:5355 / _LLMNR / Raw",
        "ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - PREF64 Option 64:ff9b::/96",
        "ICMPv6ND_RA / ICMPv6 Neighbor Discovery - Home Agent Information 5 1800 seconds",
        "PREF64 Option 2001:db8:1::[invalid PLC(7)]",
        "ICMPv6NDOptRouteInfo / ICMPv6 Neighbor Discovery Option - Route Information Option 2001:db8:1::/48 Preference Low",
        "ICMPv6NDOptDNSSL / ICMPv6 Neighbor Discovery Option - Recursive DNS Server Option fd00::53",
        "ICMPv6 Neighbor Discovery Option - Captive-Portal Option b\"it's\" / Raw",
        "/ ICMPv6NDOptIPAddr / ICMPv6NDOptNewRtrPrefix / ICMPv6NDOptLLA / ICMPv6NDOptMAP",
        "(58) / ICMPv6NIQueryName",
        "Ether / IPv6 / IPv6ExtHdrSegmentRouting / UDP 1000 > 2000",
        "Ether / IPv6 / IPv6ExtHdrSegmentRouting / ICMPv6 Echo Request (id: 0x0 seq: 0x0)",
        "(58) / ICMPv6NIReplyIPv6",
        "ICMPv6ND_INDSol / ICMPv6 Neighbor Discovery Option - Source Link-Layer Address 08:00:27:a8:38:65 / ICMPv6NDOptSrcAddrList",
        "fe80::1 > ff02::1a (58) / ICMPv6RPL / Raw",
        "sctp / SCTP / SCTPChunkData / SCTPChunkSACK",
        "sctp / SCTP / SCTPChunkInitAck",
        "(132) / SCTP / SCTPChunkData / SCTPChunkSACK",
        "sctp / SCTP / SCTPChunkAbort / SCTPChunkShutdown / SCTPChunkShutdownAck / SCTPChunkShutdownComplete",
        "sctp / SCTP / SCTPChunkForwardTSN / SCTPChunkIForwardTSN",
        "/ IPerror / SCTPerror / SCTPChunkInit",
        "/ ICMPv6DestUnreach / IPerror6 / SCTP / SCTPChunkCookieAck",
        "Ether / IP / UDP / NBNSHeader / NBNSQueryRequest who has '\\\\BROOKLYN'",
        "Ether / IP / UDP / NBNSHeader / NBNSQueryResponse '\\\\BROOKLYN' is at 192.168.56.101",
        "Ether / IP / UDP / NBNSHeader / Register Unique name b'MIDWOOD' at 192.168.56.102",
        "netbios_ns / NBNSHeader / NBNSNodeStatusResponse",
        "netbios_ns / NBNSHeader / NBNSWackResponse",
        "/ DHCP6_Solicit / DHCP6OptClientId / DHCP6OptElapsedTime / DHCP6OptIA_NA / DHCP6OptOptReq",
        "/ DHCP6_RelayForward / DHCP6OptIfaceId / DHCP6OptRelayMsg / DHCP6OptClientLinkLayerAddr",
        "/ DHCP6_Solicit / DHCP6OptIAAddress / Padding",
        "Ether / IP / GRE_PPTP / PPP / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "gre / GRE / GRErouting / GRErouting / GRErouting / Raw",
        "isakmp / ISAKMP / ISAKMP_payload_SA / ISAKMP_payload_VendorID",
        "ipsec_nat_t / NON_ESP / ISAKMP / ISAKMP_payload_ID / ISAKMP_payload_Hash",
        "isakmp / ISAKMP / ISAKMP_payload_Notify / ISAKMP_payload_Delete",
        "/ ICMPv6ND_Redirect / ICMPv6NDOptRedirectedHdr",
    ]);
}

/// Writes `script`'s frames (its first argument the file) whole and, in a second
/// file, each followed by its cuts (a second argument); compares both with Scapy
/// (summaries, listings, hexdumps; JSON on the whole frames). Each `expected` text must
/// be in some summary, and the cuts must make more than `cut_lines` packets.
fn whole_and_cut_as_scapy(script: &str, name: &str, cut_lines: usize, expected: &[&str]) {
    let (whole, cuts) = (
        scratch(&format!("{name}.pcap")),
        scratch(&format!("{name}-cuts.pcap")),
    );
    let (whole, cuts) = (whole.to_str().unwrap(), cuts.to_str().unwrap());
    python(script, &[whole]);
    python(script, &[cuts, "cuts"]);
    let summaries = same_summaries_as_scapy(whole);
    for expected in expected {
        assert!(summaries.contains(expected), "{expected} in\n{summaries}");
    }
    same_listings_as_scapy(whole);
    same_hexdumps_as_scapy(whole);
    same_json_as_show_and_summary(whole);
    let cut_summaries = same_summaries_as_scapy(cuts);
    assert!(cut_summaries.lines().count() > cut_lines, "{cut_summaries}");
    same_listings_as_scapy(cuts);
    same_hexdumps_as_scapy(cuts);
    let _ = std::fs::remove_file(whole);
    let _ = std::fs::remove_file(cuts);
}

/// Writes Scapy-built PPP frames to `argv[1]-NAME.pcap`, one file per link type:
/// Ethernet (PPPoE discovery with its tags, PPPoE sessions carrying LCP of every code
/// with its options, PAP, CHAP, IPCP and ECP with theirs, IPv4, IPv6, a 1-byte
/// protocol, an HDLC header; IPCP and ECP as EtherTypes; lengths too short and too
/// long), LINKTYPE_PPP (with and without HDLC framing), PPP_HDLC, PPP_ETHER,
/// PPP_WITH_DIR and Linux cooked. With a third argument, each frame is followed by
/// every cut of it.
const BUILD_PPP_FRAMES: &str = r#"
import sys
from scapy.all import *
from scapy.layers.ppp import *
from scapy.layers.l2 import CookedLinux
M = dict(src='08:00:27:a8:38:66', dst='ff:ff:ff:ff:ff:ff')
S = dict(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
IPP = lambda: IP(src='10.0.0.2', dst='10.0.0.1')/ICMP()
eth = [
 Ether(**M)/PPPoED(code=0x09)/PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101, tag_value=b''), PPPoETag(tag_type=0x0103, tag_value=b'\x01\x02\x03\x04')]),
 Ether(**S)/PPPoED(code=0x07, sessionid=0)/PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0102, tag_value=b'brooklyn'), PPPoETag(tag_type=0x0101, tag_value=b'lab'), PPPoETag(tag_type=0x0104, tag_value=b'cookie'), PPPoETag(tag_type=0x0999, tag_value=b'?')]),
 Ether(**S)/PPPoED(code=0x65, sessionid=0x1234),
 Ether(**S)/PPPoED(code=0xa7, sessionid=0x1234)/PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0203, tag_value=b'bye')])/Raw(b'pad'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Configure(code=1, id=1, options=[PPP_LCP_MRU_Option(max_recv_unit=1492), PPP_LCP_Magic_Number_Option(magic_number=0x12345678), PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc223, algorithm=5), PPP_LCP_Option(type=7), PPP_LCP_ACCM_Option(accm=0), PPP_LCP_Quality_Protocol_Option(data=b'x'), PPP_LCP_Callback_Option(operation=1, message=b'555'), PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc023), PPP_LCP_Option(type=99, data=b'zz')]),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Echo(code=9, id=2, magic_number=0x12345678, data=b'ping'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Terminate(code=5, id=3, data=b'bye'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Protocol_Reject(id=4, rejected_protocol=0x8057, rejected_information=Raw(b'\x01\x02')),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Code_Reject(id=5, rejected_packet=PPP_LCP(code=99, data=b'x')),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Discard_Request(id=6, magic_number=1),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP(code=12, id=7, data=b'?'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc023)/PPP_PAP_Request(id=1, username=b'midwood', password=b'secret'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc023)/PPP_PAP_Response(code=2, id=1, message=b'welcome'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc023)/PPP_PAP_Response(code=3, id=1),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc223)/PPP_CHAP_ChallengeResponse(code=1, id=1, value=bytes(range(16)), optional_name=b'brooklyn'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc223)/PPP_CHAP_ChallengeResponse(code=2, id=1, value=b'\xaa'*16, optional_name=b'midwood'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc223)/PPP_CHAP(code=3, id=1, data=b'ok'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc223)/PPP_CHAP(code=4, id=1, data=b'no'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc223)/PPP_CHAP(code=9, id=1, data=b'?'),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x8021)/PPP_IPCP(code=1, id=1, options=[PPP_IPCP_Option_IPAddress(data='10.0.0.2'), PPP_IPCP_Option_DNS1(data='10.0.0.53'), PPP_IPCP_Option_DNS2(data='0.0.0.0'), PPP_IPCP_Option_NBNS1(), PPP_IPCP_Option_NBNS2(), PPP_IPCP_Option(type=2, data=b'\x00\x2d\x0f\x01')]),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x8053)/PPP_ECP(options=[PPP_ECP_Option_OUI(oui=0x0000c, subtype=1, data=b'x'), PPP_ECP_Option(type=1, data=b'des')]),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x0021)/IPP(),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x0057)/IPv6(src='fd00::2', dst='fd00::1')/ICMPv6EchoRequest(),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=b'\x21')/IPP(),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x0281)/Raw(b'mpls'),
 Ether(**S)/PPPoE(code=1, sessionid=0x1234)/Raw(b'\x00\x21'),
 Ether(**S)/PPPoE(sessionid=0x1234)/HDLC()/PPP()/IPP(),
 Ether(**S, type=0x8021)/PPP_IPCP(code=2, options=[PPP_IPCP_Option_IPAddress(data='10.0.0.2')]),
 Ether(**S, type=0x8053)/PPP_ECP(code=5),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x8021)/PPP_IPCP(len=2, options=[PPP_IPCP_Option_IPAddress(data='10.0.0.2')]),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0x8021)/PPP_IPCP(options=[PPP_IPCP_Option_IPAddress(len=3, data='10.0.0.2'), PPP_IPCP_Option(type=3, len=1)]),
 Ether(**S)/PPPoE(sessionid=0x1234)/PPP(proto=0xc021)/PPP_LCP_Configure(options=[PPP_LCP_MRU_Option(len=9), PPP_LCP_Option(type=5, len=0, data=b'')]),
]
links = {
 9: [bytes(PPP()/IPP()), bytes(PPP(proto=0xc021)/PPP_LCP_Echo(code=10, magic_number=5)), b'\xff\x03\x00\x21' + bytes(IPP()), b'\x21' + bytes(IPP())],
 50: [bytes(HDLC()/PPP()/IPP()), bytes(HDLC(address=0x0f, control=0)/PPP(proto=0x8021)/PPP_IPCP())],
 51: [bytes(PPPoE(sessionid=1)/PPP()/IPP()), bytes(PPPoED()/PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101)]))],
 204: [bytes(DIR_PPP(direction=1)/PPP()/IPP()), bytes(DIR_PPP(direction=0)/PPP(proto=0xc223)/PPP_CHAP(code=3))],
 113: [bytes(CookedLinux(proto=0x8864)/PPPoE(sessionid=1)/PPP()/IPP()), bytes(CookedLinux(proto=0x8863)/PPPoED())],
}
cut = len(sys.argv) > 3
for name, lt, frames in [('eth', 1, [bytes(f) for f in eth])] + [(str(k), k, v) for k, v in links.items()]:
    w = RawPcapWriter(sys.argv[1] + '-' + name + '.pcap', linktype=lt)
    for b in frames:
        w.write(b)
        if cut:
            for n in range(1, len(b)):
                w.write(b[:n])
    w.close()
"#;

/// Compares each file `PREFIX-LINK.pcap` with Scapy (summaries, listings, hexdumps,
/// JSON) and removes it; each `expected` text must be in some summary.
fn same_as_scapy_per_link_type(prefix: &str, links: &[&str], expected: &[&str]) {
    let mut summaries = String::new();
    for link in links {
        let file = format!("{prefix}-{link}.pcap");
        summaries += &same_summaries_as_scapy(&file);
        same_listings_as_scapy(&file);
        same_hexdumps_as_scapy(&file);
        same_json_as_show_and_summary(&file);
        let _ = std::fs::remove_file(&file);
    }
    for expected in expected {
        assert!(summaries.contains(expected), "{expected} in\n{summaries}");
    }
}

/// PPP as Scapy reads it, on every PPP link type and over Ethernet and cooked
/// headers, whole and cut at every length.
#[test]
fn scapy_built_ppp_reads_as_scapy_reads_it() {
    require!("python3");
    // Each frame whole, then every cut of it: one file per link type.
    let prefix = scratch("ppp");
    let prefix = prefix.to_str().unwrap();
    python(BUILD_PPP_FRAMES, &[prefix, "", "cuts"]);
    same_as_scapy_per_link_type(
        prefix,
        &["eth", "9", "50", "51", "204", "113"],
        &[
            "Ether / PPPoE Active Discovery Initiation (PADI) / PPPoE TagsService-Name, Host-Uniq",
            "Ether / PPPoE / PPP / LCP Configure-Request",
            "Ether / PPPoE / PPP / PAP-Request username=b'midwood' password=b'secret'",
            "Ether / PPPoE / PPP / CHAP Success message=b'ok'",
            "(PPP_SES) / PPPoE / PPP / PPP_IPCP",
            "Ether / PPPoE / PPP / IP / ICMP 10.0.0.2 > 10.0.0.1 echo-request 0",
            "HDLC / PPP / IP / ICMP 10.0.0.2 > 10.0.0.1 echo-request 0",
            "DIR_PPP / PPP / CHAP Success message=b''",
            "CookedLinux / PPPoE Active Discovery Initiation (PADI)",
        ],
    );
}

/// Writes Scapy-built NetFlow exports to the pcap `argv[1]`: v1 and v5 headers with
/// their records (one cut short, a tail after them), v9 and IPFIX headers with template
/// flowsets (enterprise fields, padding, counts above what is there, lists at and over
/// Scapy's 100-item limit), options templates of both forms (enterprise option
/// fields, negative counts and pads), data flowsets (lengths below 4 and past the
/// end), an unknown version, an sFlow datagram on 6343 and a 1-byte payload, on each
/// of the ports Scapy binds. With a second argument, each frame is followed by every
/// cut of it from the end of its IP header on.
const BUILD_NETFLOW_FRAMES: &str = r#"
import sys, struct
from scapy.all import *
from scapy.layers.netflow import *
U = lambda sport=40000, dport=2055: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=sport, dport=dport)
H = lambda n, *a: struct.pack('!' + 'H' * n, *a)
TF = lambda t, l, en=None: (H(2, t | (0x8000 if en is not None else 0), l) + (struct.pack('!I', en) if en is not None else b''))
tmpl = lambda tid, fields: H(2, tid, len(fields)) + b''.join(fields)
fs = lambda fid, body: H(2, fid, len(body) + 4) + body
V9 = lambda count=1: NetflowHeader(version=9)/NetflowHeaderV9(count=count, sysUptime=123456, unixSecs=1700000000, packageSequence=7, SourceID=1)
V10 = lambda: NetflowHeader(version=10)/NetflowHeaderV10(length=0, ExportTime=1700000000, flowSequence=3, ObservationDomainID=9)
T3 = tmpl(256, [TF(8, 4), TF(12, 4), TF(7, 2), TF(11, 2), TF(4, 1), TF(1, 4), TF(2, 4)])
DATA = fs(256, bytes([192, 168, 56, 102, 192, 168, 56, 101, 0x9c, 0x40, 0x13, 0x88, 6, 0, 0, 1, 0, 0, 0, 0, 10]) + b'\0\0\0')
frames = [
 U()/NetflowHeader(version=5)/NetflowHeaderV5(count=2, sysUptime=99, unixSecs=1700000000, unixNanoSeconds=123456789, flowSequence=42, engineType=1, engineID=2, samplingInterval=0x4001)/NetflowRecordV5(src='192.168.56.102', dst='192.168.56.101', srcport=40000, dstport=5000, tcpFlags=0x1b, dpkts=7, dOctets=900, first=1000, last=2000, src_as=64512, src_mask=24, dst_mask=24)/NetflowRecordV5(prot=17, tcpFlags=0, tos=0xb8),
 U(2055, 2055)/NetflowHeader(version=1)/NetflowHeaderV1(count=1, unixSecs=1000000000, unixNanoSeconds=4000000000)/NetflowRecordV1(ipsrc='10.0.0.1', ipdst='10.0.0.2', proto=6, srcport=1, dstport=2, dpkts=3),
 U(9995, 40000)/V9(3)/Raw(fs(0, T3 + tmpl(257, [TF(27, 16), TF(28, 16), TF(300, 2, 9)])) + fs(1, H(3, 258, 4, 8) + H(2, 1, 4) + H(2, 40, 4) + H(2, 0x8000 | 41, 8) + H(1, 9)) + DATA),
 U(40000, 9996)/V10()/Raw(fs(2, tmpl(300, [TF(8, 4), TF(210, 3, 29305), TF(0x7fff, 2, 1)])) + fs(3, H(3, 301, 3, 1) + H(2, 1, 4) + H(2, 40, 4) + H(2, 0x8000 | 41, 8) + H(1, 7) + b'\0\0') + fs(301, b'\0\0\0\1' + b'\0' * 12)),
 U()/V9()/Raw(H(2, 256, 0) + b'abcdefgh'),
 U()/V9()/Raw(H(2, 256, 2) + b'abcdefgh'),
 U()/V9()/Raw(H(2, 256, 200) + b'abcdefgh'),
 U()/V9()/Raw(H(2, 256, 4) + H(2, 257, 4)),
 U()/V9()/Raw(fs(0, T3 + b'\0\0\0\0')),
 U()/V9()/Raw(fs(0, tmpl(256, [TF(8, 4)] * 3)[:6] + H(1, 9))),
 U()/V9()/Raw(fs(0, tmpl(256, [TF(8, 4)] * 101))),
 U()/V9()/Raw(fs(0, tmpl(256, []) * 101)),
 U()/V9()/Raw(fs(0, tmpl(256, []) * 100)),
 U()/V9()/Raw(fs(0, tmpl(256, [TF(8, 4, 5)])[:9])),
 U()/V9()/Raw(H(2, 0, 2) + T3),
 U()/V9()/Raw(fs(1, H(3, 258, 9, 3) + H(2, 1, 4) + b'xyz')),
 U()/V9()/Raw(H(5, 1, 6, 258, 0, 0) + b'tail'),
 U()/V10()/Raw(H(5, 3, 20, 301, 1, 3) + H(2, 1, 4) * 3 + b'pp'),
 U()/V10()/Raw(H(5, 3, 4, 301, 0, 0) + b'abcdef'),
 U()/V10()/Raw(H(5, 3, 10, 301, 2, 0) + H(2, 1, 4) + H(2, 0x8000 | 2, 4)),
 U()/NetflowHeader(version=7)/Raw(b'\0' * 24),
 U()/NetflowHeader(version=5)/NetflowHeaderV5(count=1)/NetflowRecordV5()/Raw(b'twenty bytes of tail'),
 U()/NetflowHeader(version=5)/NetflowHeaderV5(count=1)/NetflowRecordV5(),
 U(50000, 6343)/Raw(struct.pack('!IIIIII', 5, 1, 0xc0a83866, 0, 17, 12345) + struct.pack('!I', 1) + struct.pack('!II', 1, 40) + bytes(range(40))),
 U()/Raw(b'\x00'),
 U()/Raw(b'\x00\x09' + b'\x00' * 10),
]
frames += [U()/NetflowHeader(version=1)/NetflowHeaderV1()/Raw(bytes(range(48)) * 2)]
out = []
for f in frames:
    b = bytes(f)
    out.append(b)
    if len(sys.argv) > 2:
        start = 34
        cuts = range(start, len(b))
        if len(b) > 600:
            cuts = [*range(start, start + 100), *range(len(b) - 100, len(b))]
        out.extend(b[:n] for n in cuts)
w = RawPcapWriter(sys.argv[1], linktype=1)
for b in out:
    w.write(b)
w.close()
"#;

/// NetFlow v1, v5, v9 and IPFIX as Scapy reads them, whole and cut at every length.
#[test]
fn scapy_built_netflow_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_NETFLOW_FRAMES,
        "netflow",
        2000,
        &[
            "2055 / NetflowHeader / NetflowHeaderV5 / NetflowRecordV5 / NetflowRecordV5",
            "2055 / NetflowHeader / NetflowHeaderV1 / NetflowRecordV1",
            "/ NetflowHeaderV9 / NetflowFlowsetV9 / NetflowOptionsFlowsetV9 / NetflowDataflowsetV9",
            "9996 / NetflowHeader / NetflowHeaderV10 / NetflowFlowsetV9 / NetflowOptionsFlowset10",
            "6343 / NetflowHeader / Raw",
        ],
    );
}

/// Writes Scapy-built 802.1X, EAP and RADIUS frames to `argv[1]-NAME.pcap`, one file
/// per link type: EAPOL of each type (EAP, EAPOL-Key with and without its key data and
/// a tail, MKA and ASF left Raw) after Ethernet, a VLAN tag, SNAP, GRE and a cooked
/// header; EAP of each code and each method class Scapy has (identity, notification,
/// Nak, MD5, TLS, TTLS, PEAP and FAST with and without their length, LEAP), lengths
/// too short and too long, over PPP; RADIUS requests, challenges, accepts, rejects,
/// accounting and CoA on their ports, every attribute class (strings, hex strings,
/// numbers, enumerated values, addresses, the message authenticator, EAP-Message,
/// Microsoft's MS-CHAP vendor values and other vendors'), EAP in fragments joined
/// across EAP-Message attributes (and fragments that do not join), lengths of 0, 1
/// and 2, lists at and over Scapy's limit, bytes past the header's length. With a
/// second argument, each frame is followed by every cut of it.
const BUILD_8021X_FRAMES: &str = r#"
import sys, struct
from scapy.all import *
from scapy.layers.eap import *
from scapy.layers.radius import *
from scapy.layers.ppp import *
from scapy.layers.l2 import CookedLinux
E = lambda: Ether(src='08:00:27:a8:38:66', dst='01:80:c2:00:00:03')
K = dict(key_descriptor_type=2, key_type=1, key_ack=1, key_descriptor_type_version=2, key_length=16, key_replay_counter=1, key_nonce=bytes(range(32)))
frames = [
 E()/EAPOL(type=1),
 E()/EAPOL(version=2, type=2),
 E()/EAPOL()/EAP(code=1, id=1, type=1),
 E()/EAPOL()/EAP(code=1, id=1, type=1, message=b'hello'),
 E()/EAPOL()/EAP(code=2, id=1, type=1, identity=b'midwood'),
 E()/EAPOL()/EAP(code=2, id=2, type=3, desired_auth_types=[4, 13, 99]),
 E()/EAPOL()/EAP(code=3, id=2),
 E()/EAPOL()/EAP(code=4, id=2)/Raw(b'x'),
 E()/EAPOL()/EAP(code=1, id=3, type=2)/Raw(b'note'),
 E()/EAPOL()/EAP(code=5, id=3, type=1),
 E()/EAPOL()/EAP_MD5(id=4, value=bytes(range(16)), optional_name=b'brooklyn'),
 E()/EAPOL()/EAP_MD5(code=2, id=4, value=b'\xaa' * 16),
 E()/EAPOL()/EAP_TLS(id=5, L=1, M=1, tls_message_len=1000, tls_data=b'\x16\x03\x01\x00\x05hello'),
 E()/EAPOL()/EAP_TLS(id=5, S=1),
 E()/EAPOL()/EAP_TTLS(id=6, version=1, data=b'abc'),
 E()/EAPOL()/EAP_TTLS(id=6, L=1, message_len=3, data=b'abc'),
 E()/EAPOL()/EAP_PEAP(id=7, S=1, version=1),
 E()/EAPOL()/EAP_PEAP(code=2, id=7, L=1, tls_message_len=9, tls_data=b'\x17\x03\x03'),
 E()/EAPOL()/EAP_FAST(id=8, version=1, data=b'xyz'),
 E()/EAPOL()/LEAP(id=9, challenge_response=b'12345678', username=b'bob'),
 E()/EAPOL()/LEAP(code=2, id=9, challenge_response=bytes(24), username=b'bob'),
 E()/EAPOL(type=3)/EAPOL_KEY(**K),
 E()/EAPOL(type=3)/EAPOL_KEY(key_descriptor_type=1, key_length=5, key_data=b'abc')/Raw(b'x' * 20),
 E()/EAPOL(type=3)/EAPOL_KEY(**K, key_mic=b'\x11' * 16, secure=1, install=1, key_data=bytes(range(22))),
 E()/EAPOL(type=5)/Raw(b'mka!' * 4),
 E()/EAPOL(type=4)/Raw(b'asf'),
 E()/EAPOL(len=2)/EAP(code=1, type=1),
 E()/EAPOL(len=200)/EAP(code=2, type=1, identity=b'x'),
 E()/EAPOL()/EAP(code=2, len=3, type=1, identity=b'abcdef'),
 E()/EAPOL()/EAP(code=1, len=300, type=4)/Raw(b'\x05abcde'),
 E()/EAPOL()/EAP_MD5(value_size=40, value=b'ab'),
 E()/EAPOL()/Raw(b'\x01\x01\x00\x04'),
 E()/EAPOL()/Raw(b'\x09'),
 E()/Dot1Q(vlan=5)/EAPOL()/EAP(code=2, type=1, identity=b'vlan'),
 Ether()/IP(src='192.168.56.102', dst='192.168.56.101')/GRE(proto=0x888e)/EAPOL(type=1),
 Ether()/LLC()/SNAP(code=0x888e)/EAPOL(type=2),
 Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/PPPoE(sessionid=1)/PPP(proto=0xc227)/EAP(code=1, id=1, type=1),
 Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/PPPoE(sessionid=1)/PPP(proto=0xc227)/EAP_MD5(code=2, id=1, value=b'\x01' * 16, optional_name=b'midwood'),
]
R = lambda sport=40000, dport=1812: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=sport, dport=dport)
A = lambda t, v: bytes([t, len(v) + 2]) + v
TLS = bytes(EAP_TLS(code=1, id=9, L=1, M=0, tls_message_len=600, tls_data=bytes(i % 251 for i in range(600))))
frags = [TLS[i:i + 253] for i in range(0, len(TLS), 253)]
radius = [
 R()/Radius(code=1, id=5, authenticator=bytes(range(16)), attributes=[RadiusAttr_User_Name(value=b'midwood'), RadiusAttr_User_Password(value=b'\x01' * 16), RadiusAttr_NAS_IP_Address(value='192.168.56.102'), RadiusAttr_Service_Type(value=2), RadiusAttr_NAS_Port(value=7), RadiusAttribute(type=30, value=b'station'), RadiusAttr_Message_Authenticator(value=b'\x22' * 16)]),
 R(1812, 40000)/Radius(code=11, id=5, attributes=[RadiusAttr_EAP_Message(value=EAP_MD5(id=1, value=b'\x11' * 16)), RadiusAttr_State(value=b'state')]),
 R()/Radius(code=1, attributes=[RadiusAttr_User_Name(value=b'midwood'), RadiusAttr_EAP_Message(value=EAP(code=2, id=1, type=1, identity=b'midwood'))]),
 R()/Radius(code=1, attributes=[RadiusAttr_Vendor_Specific(vendor_id=311, vendor_type=25, value=MS_CHAP2_Response(Ident=1, PeerChallenge=b'a' * 16, Response=b'b' * 24)), RadiusAttr_Vendor_Specific(vendor_id=9, vendor_type=1, value=b'cisco-avpair=x')]),
 R(1812, 40000)/Radius(code=2, attributes=[RadiusAttr_Vendor_Specific(vendor_id=311, vendor_type=26, value=MS_CHAP2_Success(Ident=1, String=b'S=ABC')/Raw(b'x')), RadiusAttr_Framed_IP_Address(value='10.0.0.2'), RadiusAttr_Framed_Protocol(value=1), RadiusAttr_Session_Timeout(value=3600)]),
 R(1812, 40000)/Radius(code=3, attributes=[RadiusAttr_Vendor_Specific(vendor_id=311, vendor_type=2, value=MS_CHAP_Error(Ident=1, String=b'E=691 R=0')), RadiusAttr_Vendor_Specific(vendor_id=311, vendor_type=10, value=MS_CHAP_Domain(Ident=1, String=b'LAB')), RadiusAttribute(type=18, value=b'denied')]),
 R(40000, 1813)/Radius(code=4, attributes=[RadiusAttr_Acct_Status_Type(value=2), RadiusAttribute(type=44, value=b'0001'), RadiusAttr_Acct_Input_Octets(value=1234), RadiusAttr_Acct_Terminate_Cause(value=1), RadiusAttr_NAS_Port_Type(value=99), RadiusAttr_Acct_Authentic(value=1), RadiusAttr_Event_Timestamp(value=1700000000)]),
 R(1813, 40000)/Radius(code=5),
 R(40000, 3799)/Radius(code=40, attributes=[RadiusAttr_User_Name(value=b'midwood')]),
 R()/Radius(code=1)/Raw(A(1, b'caf\xc3\xa9\xff!') + A(3, b'\x01' + b'c' * 16)),
 R()/Radius(code=1)/Raw(A(26, struct.pack('!IBB', 311, 1, 8) + b'abcdef')),
 R()/Radius(code=1)/Raw(A(1, b'first') + A(1, b'second') + A(26, struct.pack('!IBB', 311, 25, 2))),
 R()/Radius(code=11)/Raw(b''.join(A(79, f) for f in frags) + A(24, b'st')),
 R()/Radius(code=11)/Raw(A(79, frags[0]) + A(24, b'st')),
 R()/Radius(code=11)/Raw(A(79, frags[0])[:200]),
 R()/Radius(code=11)/Raw(A(79, b'') + A(79, b'\x01') + A(79, b'\x03\x01\x00\x04')),
 R()/Radius(code=11)/Raw(A(79, b'\x01\x01') + A(79, b'\x00\x04')),
 R()/Radius(code=11)/Raw(A(79, b'\x01\x01') + bytes([79])),
 R()/Radius(code=11)/Raw(A(79, b'\x01\x01') + bytes([79, 0]) + A(79, b'x')),
 R()/Radius(code=11)/Raw(A(79, b'\x01\x01') + bytes([79, 1]) + A(79, b'\x00\x04')),
 R()/Radius(code=11)/Raw(A(79, b'\x01\x01\x00\x10\x04')),
 R()/Radius(code=11)/Raw(A(79, b'\x03\x01\x00\x06ab')),
 R()/Radius(code=1)/Raw(bytes([5, 2, 0, 0, 0, 9]) + bytes([4, 0, 10, 0, 0, 1]) + bytes([6, 6, 0, 0, 0, 99]) + bytes([30, 0]) + b'xyz'),
 R()/Radius(code=1)/Raw(bytes([2, 0]) + b'abc'),
 R()/Radius(code=1)/Raw(bytes([80, 5]) + b'abc'),
 R()/Radius(code=1)/Raw(bytes([26, 9]) + struct.pack('!IBB', 311, 26, 0) + b'abc'),
 R()/Radius(code=1)/Raw(bytes([26, 9]) + struct.pack('!IBB', 9, 1, 1) + b'abc'),
 R()/Radius(code=1)/Raw(bytes([26, 9]) + struct.pack('!IB', 9, 1)),
 R()/Radius(code=1, len=10)/Raw(A(1, b'x')),
 R()/Radius(code=1, len=30)/Raw(A(1, b'x') + b'trailing bytes'),
 R()/Radius(code=1)/Raw(A(44, b'x') * 101),
 R()/Radius(code=1)/Raw(A(44, b'x') * 100),
 R()/Radius(code=99),
 R()/Raw(b'\x01\x02\x00'),
]
cooked = [CookedLinux(proto=0x888e)/EAPOL()/EAP(code=2, type=1, identity=b'sll')]
cut = len(sys.argv) > 2
for name, lt, fs in [('eth', 1, frames + radius), ('sll', 113, cooked)]:
    w = RawPcapWriter(sys.argv[1] + '-' + name + '.pcap', linktype=lt)
    for f in fs:
        b = bytes(f)
        w.write(b)
        if cut:
            # every cut; of the long frames (lists over Scapy's limit, EAP in
            # fragments) the first and last 100
            cuts = range(1, len(b))
            if len(b) > 600:
                cuts = [*range(1, 101), *range(len(b) - 100, len(b))]
            for n in cuts:
                w.write(b[:n])
    w.close()
"#;

/// 802.1X, EAP and RADIUS as Scapy reads them, whole and cut at every length.
#[test]
fn scapy_built_8021x_eap_and_radius_read_as_scapy_reads_them() {
    require!("python3");
    let prefix = scratch("8021x");
    let prefix = prefix.to_str().unwrap();
    python(BUILD_8021X_FRAMES, &[prefix, "cuts"]);
    same_as_scapy_per_link_type(
        prefix,
        &["eth", "sll"],
        &[
            "Ether / EAPOL EAPOL-Start",
            "Ether / EAPOL / EAP Response Identity b'midwood'",
            "Ether / EAPOL / EAP Request EAP-TLS",
            "Ether / EAPOL EAPOL-Key / EAPOL_KEY",
            "Ether / PPPoE / PPP / EAP Response MD5-Challenge",
            "CookedLinux / EAPOL / EAP Response Identity b'sll'",
            "UDP / RADIUS Access-Request (User:'midwood' PAP)",
            "UDP / RADIUS Access-Request (MS-CHAP2)",
            "UDP / RADIUS Access-Request (User:'caf\u{e9}!' CHAP)",
            "UDP / RADIUS Accounting-Request",
            "UDP / RADIUS Disconnect-Request",
        ],
    );
}

/// Writes Scapy-built 802.11 frames to `argv[1]-105.pcap` (LINKTYPE_IEEE802_11) and
/// RadioTap ones to `argv[1]-127.pcap`: every management body Scapy binds (beacon,
/// probes, authentication, association, reassociation, deauthentication,
/// disassociation, ATIM, action) with SSID, rates, DSSS, TIM, ERP, RSN (with and
/// without PMKIDs and a management cipher, cut inside), vendor, Microsoft WPA, channel
/// switch, OBSS, country (with and without its pad), HT capabilities, HT operation,
/// VHT operation, HE and EHT operation (with each optional part) and extension
/// elements; action frames (channel switch with elements after it, BSS transition
/// requests and responses with neighbor reports and subelements, radio measurement
/// requests and reports, beacon and other types); an S1G beacon; control frames (ACK, RTS, CTS, block ack, control
/// wrapper); data frames with each address layout, QoS (A-MSDU), LLC/SNAP carrying
/// IPv4, ARP and IPv6; protected frames read as CCMP, TKIP, WEP or unknown; RadioTap
/// with each field Scapy knows, alignment, extended presence masks, TLVs, bytes left
/// to `notdecoded`, and the FCS flag (Dot11FCS); Prism headers before 802.11 frames
/// (`argv[1]-119.pcap`); PPI headers before 802.11, RadioTap, Ethernet and unknown
/// frames (`argv[1]-192.pcap`). With a second argument, each frame
/// is followed by every cut of it.
const BUILD_80211_FRAMES: &str = r#"
import sys, struct
from scapy.all import *
from scapy.layers.dot11 import *
AP, STA, BC = '00:11:22:33:44:55', '08:00:27:a8:38:66', 'ff:ff:ff:ff:ff:ff'
M = lambda st, **k: Dot11(type=0, subtype=st, addr1=k.pop('a1', BC), addr2=k.pop('a2', AP), addr3=k.pop('a3', AP), SC=k.pop('SC', 0x1230), **k)
RSN = Dot11EltRSN(group_cipher_suite=RSNCipherSuite(cipher=4), pairwise_cipher_suites=[RSNCipherSuite(cipher=4), RSNCipherSuite(cipher=2)], akm_suites=[AKMSuite(suite=2)], mfp_capable=0, mfp_required=0)
ELTS = Dot11Elt(ID=0, info=b'labnet')/Dot11EltRates(rates=[0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24])/Dot11EltDSSSet(channel=6)/Dot11Elt(ID=5, info=b'\x00\x01\x00\x00')/Dot11EltERP(Use_Protection=1)/RSN/Dot11EltRates(ID=50, rates=[0x30, 0x48, 0x60, 0x6c])/Dot11EltVendorSpecific(oui=0x0050f2, info=b'\x02\x01\x01\x00')/Dot11EltMicrosoftWPA()
frames = [
 M(8)/Dot11Beacon(timestamp=123456789, beacon_interval=100, cap='ESS+privacy+short-slot')/ELTS,
 M(4, a1=BC, a2=STA, a3=BC)/Dot11ProbeReq()/Dot11Elt(ID=0, info=b'')/Dot11EltRates(rates=[2, 4, 11, 22]),
 M(5, a1=STA)/Dot11ProbeResp(timestamp=1, cap='ESS')/Dot11Elt(ID=0, info=b'caf\xc3\xa9\xff')/Dot11EltCSA(mode=1, new_channel=11, channel_switch_count=3)/Dot11EltOBSS(Passive_Dwell=20),
 M(11, a1=AP, a2=STA)/Dot11Auth(algo=0, seqnum=1, status=0),
 M(11, a1=STA)/Dot11Auth(algo=1, seqnum=2, status=13)/Dot11Elt(ID=16, info=b'challenge'),
 M(0, a1=AP, a2=STA)/Dot11AssoReq(cap='ESS+short-preamble', listen_interval=10)/Dot11Elt(ID=0, info=b'labnet')/RSN,
 M(1, a1=STA)/Dot11AssoResp(cap='ESS', status=0, AID=0xc001)/Dot11EltRates(rates=[0x82]),
 M(2, a1=AP, a2=STA)/Dot11ReassoReq(cap='ESS', listen_interval=5, current_AP='00:11:22:33:44:56')/Dot11Elt(ID=0, info=b'x'),
 M(3, a1=STA)/Dot11ReassoResp(status=17),
 M(12, a1=STA)/Dot11Deauth(reason=7),
 M(10, a1=STA)/Dot11Disas(reason=8)/Raw(b'extra'),
 M(9)/Dot11ATIM()/Raw(b'x'),
 M(13)/Dot11Action(category=7)/Raw(b'\x00\x01'),
 M(14)/Raw(b'noack'),
 Dot11(type=1, subtype=13, addr1=STA),
 Dot11(type=1, subtype=11, addr1=AP, addr2=STA, ID=100),
 Dot11(type=1, subtype=12, addr1=STA),
 Dot11(type=1, subtype=9, addr1=AP, addr2=STA)/Raw(b'\x04\x00\x12\x34'),
 Dot11(type=1, subtype=6, cfe=6, addr1=AP, addr2=STA, addr3=BC),
 Dot11(type=1, subtype=6, cfe=2, FCfield='protected', addr1=AP)/Raw(b'\x01\x02\x03\x04\x05\x06\x07\x08'),
 Dot11(type=2, subtype=0, FCfield='to_DS', addr1=AP, addr2=STA, addr3='08:00:27:a8:38:65')/LLC()/SNAP()/IP(src='192.168.56.102', dst='192.168.56.101')/ICMP(),
 Dot11(type=2, subtype=0, FCfield='from_DS', addr1=STA, addr2=AP, addr3='08:00:27:a8:38:65')/LLC()/SNAP(code=0x0806)/ARP(psrc='192.168.56.101', pdst='192.168.56.102'),
 Dot11(type=2, subtype=8, FCfield='to_DS+from_DS', addr4='02:00:00:00:00:04')/Dot11QoS(TID=5, TXOP=3)/LLC()/SNAP(code=0x86dd)/IPv6(src='fd00:56::102', dst='fd00:56::101')/ICMPv6EchoRequest(),
 Dot11(type=2, subtype=8, FCfield='to_DS+from_DS')/Dot11QoS(A_MSDU_Present=1)/Raw(b'amsdu'),
 Dot11(type=2, subtype=4, FCfield='to_DS+pw_mgt', addr1=AP, addr2=STA, addr3=AP),
 Dot11(type=2, subtype=12, FCfield='to_DS', addr1=AP, addr2=STA, addr3=AP)/Dot11QoS(TID=0),
 Dot11(type=2, subtype=8, FCfield='to_DS+protected', addr1=AP, addr2=STA, addr3=AP)/Dot11QoS()/Dot11CCMP(PN0=1, key_id=0, ext_iv=1, data=b'\x11' * 24),
 Dot11(type=2, subtype=0, FCfield='to_DS+protected', addr1=AP, addr2=STA, addr3=AP)/Raw(b'\x05\x25\x07\x20\x01\x00\x00\x00' + b'\x22' * 20),
 Dot11(type=2, subtype=0, FCfield='to_DS+protected', addr1=AP, addr2=STA, addr3=AP)/Raw(b'\x01\x02\x03\x40' + b'\x33' * 20 + b'\xde\xad\xbe\xef'),
 Dot11(type=2, subtype=0, FCfield='protected', addr1=AP, addr2=STA, addr3=AP)/Raw(b'\x01\x02\x03\x20\x01\x00\x00\x00' + b'\x44' * 4),
 Dot11(type=2, subtype=0, FCfield='protected', addr1=AP, addr2=STA, addr3=AP)/Raw(b'\x01\x02\x03\x20\x05'),
 Dot11(type=2, subtype=0, FCfield='protected', addr1=AP, addr2=STA, addr3=AP)/Raw(b'\x01\x02\x03'),
 M(8, FCfield='protected')/Raw(b'\x01\x02\x03\x00' + b'x' * 8),
 Dot11(type=3, subtype=0, addr1=AP)/Raw(b'dmg'),
 Dot11(type=0, subtype=8, proto=1, addr1=BC, addr2=AP, addr3=AP)/Dot11Beacon()/Dot11Elt(ID=0, info=b'x' * 40)/Raw(b'\x01'),
 M(8)/Dot11Beacon()/Raw(b'\xdd\x02\x00\x50'),
 M(8)/Dot11Beacon()/Raw(b'\xdd\x04\x00\x50\xf2'),
 M(8)/Dot11Beacon()/Raw(b'\x30\x14\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x02\x0c\x00'),
 M(8)/Dot11Beacon()/Raw(b'\x30\x1a\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x02\x0c\x00\x00\x00\x00\x0f\xac\x06'),
 M(8)/Dot11Beacon()/Raw(b'\x30\x30\x01\x00\x00\x0f\xac\x04\x02\x00\x00\x0f\xac\x04\x00\x0f\xac\x02\x01\x00\x00\x0f\xac\x02\xc0\x00\x01\x00' + b'p' * 16 + b'\x00\x0f\xac\x06'),
 M(8)/Dot11Beacon()/Raw(b'\x30\x14\x01\x00\x00\x0f\xac\x04\x05\x00\x00\x0f\xac\x04'),
 M(8)/Dot11Beacon()/Raw(b'\x03\x05\x06' + b'\x00\x00'),
 M(8)/Dot11Beacon()/Raw(b'\x00\x00' * 100),
 M(8)/Dot11Beacon(cap='ESS')/Dot11Elt(ID=0, info=b'ht')/Dot11EltCountry(country_string=b'FR ', descriptors=[Dot11EltCountryConstraintTriplet(first_channel_number=1, num_channels=13, mtp=20)])/Dot11EltHTCapabilities(Max_A_MSDU=1, SM_Power_Save=3, Supported_Channel_Width=1, Short_GI_20Mhz=1, Min_MPDCU_Start_Spacing=5, TX_MCS_Set_Defined=1, RX_MSC_Bitmask=0xffff, RX_Highest_Supported_Data_Rate=300, Calibration=2, ASEL='Receive_ASEL')/Dot11EltHTOperation(primary_channel=6, secondary_channel_offset=1, ht_protection=2, dual_beacon=1, basic_mcs_set=b'\xff' + b'\x00' * 15)/Dot11EltVHTOperation(VHT_Operation_Info=Dot11VHTOperationInfo(channel_width=1, channel_center0=42), mcs_set=[1, 2, 3, 0, 1, 2, 3, 0])/Dot11EltHEOperation(vht_operation_info_present=1, co_hosted_bss=1, six_g_op_info_present=1, txop_duration_rts_threshold=1023, bss_color=5, basic_he_mcs_and_nss_set=[0, 1, 2, 3, 0, 1, 2, 3], vht_operation_info=Dot11VHTOperationInfo(channel_width=2), max_co_hosted_bssid=3, he_6g_operation_info=Dot11HE6GOperationInfo(primary_channel=37, channel_width=3, minimum_rate=6))/Dot11EltEHTOperation(eht_operation_information_present=1, disabled_subchannel_bitmap_present=1, basic_eht_mcs_and_nss_set=0x12345678, eht_operation_info=Dot11EHTOperationInfo(channel_width=4, channel_center0=50), disabled_subchannel_bitmap=3)/Dot11EltExtensionGeneric(ext_ID=35, info=b'he caps'),
 M(8)/Dot11Beacon()/Raw(b'\x07\x03US ' + b'\x07\x04DE\x20\x01' + b'\x07\x07JP\x04\x01\x0e\x14\x00' + b'\x07\x01X'),
 M(8)/Dot11Beacon()/Raw(b'\xff\x00' + b'\xff\x01\x24' + b'\xff\x02\x6a\x00'),
 M(8)/Dot11Beacon()/Raw(b'\xff\x05\x6a\x01\x00\x00\x00' + b'\xc0\x05'),
 M(8)/Dot11Beacon()/Raw(b'\xff\x08\x24\x00\x40\x00\x05\xaa'),
 M(8)/Dot11Beacon()/Raw(b'\xff\x01'),
 M(8)/Dot11Beacon()/Raw(b'\x3d\x10\x06\x05\x04\x00\x00\x00abc'),
 M(13)/Dot11Action(category=0)/Dot11SpectrumManagement(action=4)/Dot11CSA(CSA=Dot11EltCSA(mode=1, new_channel=6, channel_switch_count=2)),
 M(13)/Dot11Action(category=0)/Dot11SpectrumManagement(action=4)/Dot11CSA(CSA=Dot11EltCSA(mode=1, new_channel=6, channel_switch_count=2))/Raw(b'\x00\x02hi\x03\x01\x05\xdd\x01'),
 M(13)/Dot11Action(category=0)/Dot11SpectrumManagement(action=2)/Raw(b'tpc'),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=7)/Dot11BSSTMRequest(token=3, mode='Preferred_Candidate_List_Included+Disassociation_Imminent+BSS_Termination_Included+ESS_Disassociation_Imminent', disassociation_timer=100, validity_interval=20, termination_duration=BSSTerminationDuration(TSF=12345, duration=60), url_len=9, url=b'http://x/', neighbor_report=[NeighborReport(BSSID='00:11:22:33:44:56', AP_reach=3, security=1, HT=1, op_class=81, channel=6, phy_type=7, len=18, subelems=[SubelemTLV(type=3, value=[255, 1, 2])]), NeighborReport(BSSID='00:11:22:33:44:57', channel=11)]),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=7)/Dot11BSSTMRequest(token=4, mode=0),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=8)/Dot11BSSTMResponse(token=3, status=0, target='00:11:22:33:44:56'),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=8)/Dot11BSSTMResponse(token=3, status=6, neighbor_report=[NeighborReport(BSSID='00:11:22:33:44:58', channel=1)]),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=8)/Dot11BSSTMResponse(token=3, status=2),
 M(13)/Dot11Action(category=10)/Dot11WNM(action=26)/Raw(b'note'),
 M(13)/Dot11Action(category=5)/Dot11RadioMeasurement(action=0)/Dot11RadioMeasurementRequest(token=1, repetitions=2, measurement_token=5, request=1, measurement_request=Dot11RadioMeasurementBeaconRequest(op_class=81, channel=6, measurement_duration=50, measurement_mode=1, BSSID='ff:ff:ff:ff:ff:ff'), len=20, subelems=[SubelemTLV(type=2, value=[1, 2])]),
 M(13)/Dot11Action(category=5)/Dot11RadioMeasurement(action=0)/Dot11RadioMeasurementRequest(measurement_request_type=3, len=6, measurement_request_data=b'abc'),
 M(13)/Dot11Action(category=5)/Dot11RadioMeasurement(action=1)/Dot11RadioMeasurementReport(token=1, measurement_token=5, measurement_report=Dot11RadioMeasurementBeaconReport(op_class=81, channel=6, measurement_start_time=99, RCPI=100, RSNI=20, BSSID='00:11:22:33:44:55', parent_tsf=7, reported_frame_type=1, condensed_phy=4)),
 M(13)/Dot11Action(category=5)/Dot11RadioMeasurement(action=1)/Dot11RadioMeasurementReport(token=1, refused=1, len=5, measurement_report_data=b'no'),
 M(13)/Dot11Action(category=5)/Dot11RadioMeasurement(action=4)/Raw(b'\x01'),
 Dot11(type=3, subtype=1, addr1=BC)/Dot11S1GBeacon(timestamp=5, change_seq=1)/Dot11Elt(ID=0, info=b's1g'),
]
BEACON = Dot11(type=0, subtype=8, addr1=BC, addr2=AP, addr3=AP)/Dot11Beacon(cap='ESS')/Dot11Elt(ID=0, info=b'lab')/Dot11EltRates(rates=[0x82, 0x84])/Dot11EltDSSSet(channel=1)
DATA = Dot11(type=2, subtype=8, FCfield='to_DS', addr1=AP, addr2=STA, addr3=AP)/Dot11QoS()/LLC()/SNAP()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=1000, dport=53)/DNS(qd=DNSQR(qname='lab.'))
hdr = lambda present, body: struct.pack('<BBHI', 0, 0, 8 + len(body), present) + body
radiotap = [
 RadioTap(present='Flags+Rate+Channel+dBm_AntSignal+Antenna', Flags='ShortPreamble', Rate=2, ChannelFrequency=2412, ChannelFlags='CCK+2GHz', dBm_AntSignal=-42, Antenna=1)/BEACON,
 RadioTap(present='TSFT+Flags+Rate+Channel+dBm_AntSignal+dBm_AntNoise+RXFlags', mac_timestamp=123456789, Flags='FCS', Rate=108, ChannelFrequency=5180, ChannelFlags='OFDM+5GHz', dBm_AntSignal=-60, dBm_AntNoise=-95, RXFlags=0x22)/Dot11FCS(type=0, subtype=8, addr1=BC, addr2=AP, addr3=AP)/Dot11Beacon(cap='ESS')/Dot11Elt(ID=0, info=b'fcs'),
 RadioTap(present='Flags+MCS+A_MPDU', Flags='FCS', knownMCS='MCS_bandwidth+MCS_index+guard_interval', guard_interval=1, MCS_bandwidth=1, MCS_index=7, A_MPDU_ref=9, A_MPDU_flags='KnownLastSubframe')/Dot11FCS(type=1, subtype=13, addr1=STA),
 RadioTap(present='Flags+VHT', Flags=0, KnownVHT='Bandwidth+GroupID', PresentVHT='STBC', VHT_bandwidth=4, mcs_nss=b'\x91\x00\x00\x00', GroupID=3, PartialAID=7)/DATA,
 RadioTap(present='Rate+timestamp+HE+L_SIG', Rate=12, timestamp=99, ts_accuracy=3, ts_unit=1, ts_position=2, ts_flags='Accuracy', he_data1=1, he_data6=6)/DATA,
 RadioTap(present='ChannelPlus+HE_MU+HE_MU_other_user+Lock_Quality+TXFlags', ChannelPlusFlags='2GHz+20MHz', ChannelPlusFrequency=2462, ChannelPlusNumber=11, Lock_Quality=5, TXFlags='NOACK', RU_channel1=[1, 2, 3, 4], RU_channel2=[5, 6, 7, 8], hemuou_per_user_known='MCS')/BEACON,
 RadioTap(present='Ext+Flags', Ext=[RadioTapExtendedPresenceMask(present='b5+Ext'), RadioTapExtendedPresenceMask(index=1, present='b33')], Flags='FCS')/Dot11FCS(type=1, subtype=12, addr1=STA),
 Raw(hdr(0x4, b'\x02') + b'\xff\xff') / BEACON,
 Raw(struct.pack('<BBHI', 0, 0, 40, 0x02) + b'\x10' + b'notdecoded' * 2) / Dot11FCS(type=1, subtype=13, addr1=STA),
 Raw(struct.pack('<BBHI', 0, 0, 4, 0x0e) + b'\x00\x02\x00\x00\x6c\x09\xa0\x00') / BEACON,
 Raw(struct.pack('<BBHI', 0, 0, 8, 0x10000000) + struct.pack('<HH', 1, 1) + b'\x10\x00\x00\x00' + struct.pack('<HH', 30, 3) + b'\x00\x11\x22\x01\x00\x00\x00\x00abc\x00'),
 Raw(struct.pack('<BBHI', 0, 0, 12, 0x10) + b'\x00\x00\x00\x00') / BEACON,
 Raw(struct.pack('<BBHI', 0, 0, 8, 0x0810) + b'\x00\x00') / BEACON,
 Raw(struct.pack('<BBHI', 0, 0, 8, 0x80000000) + b'\x01\x00'),
]
cut = len(sys.argv) > 2
P = lambda **k: PrismHeader(**{'dev': b'wlan0mon', 'channel_did': 0x3041, 'channel': 6, 'signal': -55, 'noise': 2**32 - 95, 'rate': 22, 'frmlen': 40, **k})
prism = [
 P()/Dot11(type=0, subtype=8, addr1='ff:ff:ff:ff:ff:ff', addr2=AP, addr3=AP)/Dot11Beacon(cap='ESS')/Dot11Elt(ID=0, info=b'prism'),
 P(msgcode=0x41, len=200)/Dot11(type=2, subtype=0, FCfield='to_DS', addr1=AP, addr2=STA, addr3=AP)/LLC()/SNAP()/IP(src='192.168.56.102', dst='192.168.56.101')/ICMP(),
 P(dev=b'a-very-long-device-name')/Dot11(type=1, subtype=13, addr1=STA),
 P(),
]
# PPI: its field headers (one PPI_Hdr, the rest its Raw payload), then 802.11,
# RadioTap, Ethernet or an unknown link type; `len` too small and too large.
AIR = bytes(Dot11(type=2, subtype=0, FCfield='to_DS', addr1=AP, addr2=STA, addr3=AP)/LLC()/SNAP()/IP(src='192.168.56.102', dst='192.168.56.101')/ICMP())
COMMON = struct.pack('<HH', 2, 20) + bytes(range(20))
GPS = struct.pack('<HH', 30002, 4) + b'gpsx'
I = lambda fields, dlt, body, length=None: Raw(struct.pack('<BBHI', 0, 0, 8 + len(fields) if length is None else length, dlt) + fields + body)
ppi = [
 I(COMMON, 105, AIR), I(COMMON + GPS, 105, bytes(BEACON)), I(b'', 105, AIR), I(GPS, 1, bytes(Ether(src=STA, dst=AP)/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=40000, dport=53)/DNS(qd=DNSQR(qname='lab.')))),
 I(b'\x02\x00', 105, AIR), I(COMMON, 147, b'xyz'), I(COMMON, 127, b'\x00\x00\x08\x00\x00\x00\x00\x00' + AIR), I(COMMON, 105, AIR, 4), I(COMMON, 105, AIR, 400), I(b'', 105, b''),
]
for name, lt, fs in [('105', 105, frames), ('127', 127, radiotap), ('119', 119, prism), ('192', 192, ppi)]:
    w = RawPcapWriter(sys.argv[1] + '-' + name + '.pcap', linktype=lt)
    for f in fs:
        b = bytes(f)
        w.write(b)
        if cut:
            for n in range(1, len(b)):
                w.write(b[:n])
    w.close()
"#;

/// 802.11, RadioTap, Prism and PPI as Scapy reads them, whole and cut at every length.
#[test]
fn scapy_built_80211_and_radiotap_read_as_scapy_reads_them() {
    require!("python3");
    let prefix = scratch("80211");
    let prefix = prefix.to_str().unwrap();
    python(BUILD_80211_FRAMES, &[prefix, "cuts"]);
    same_as_scapy_per_link_type(
        prefix,
        &["105", "127", "119", "192"],
        &[
            "802.11 Management Beacon 00:11:22:33:44:55 (TA=SA) > ff:ff:ff:ff:ff:ff (RA=DA) \
             / Dot11Beacon / SSID='labnet' / Dot11EltRates / Dot11EltDSSSet / Dot11Elt \
             / Dot11EltERP / Dot11EltRSN / Dot11EltRates / Dot11EltVendorSpecific \
             / Dot11EltMicrosoftWPA",
            "802.11 Control Ack 00:00:00:00:00:00 (TA) > 08:00:27:a8:38:66 (RA)",
            "Dot11 / LLC / SNAP / IP / ICMP 192.168.56.102 > 192.168.56.101 echo-request 0",
            "(TA=SA) > 00:11:22:33:44:55 (RA=BSSID) / Dot11QoS / Dot11CCMP",
            "RadioTap / Dot11FCS / Dot11Beacon / SSID='fcs'",
            "PrismHeader / Dot11 / LLC / SNAP / IP / ICMP 192.168.56.102 > 192.168.56.101",
            "/ Dot11Action / Dot11WNM / Dot11BSSTMRequest",
            "/ Dot11Action / Dot11RadioMeasurement / Dot11RadioMeasurementReport",
            "/ Dot11Action / Dot11SpectrumManagement / Dot11CSA",
            "/ SSID='ht' / Dot11EltCountry / Dot11EltHTCapabilities / Dot11EltHTOperation \
             / Dot11EltVHTOperation / Dot11EltHEOperation / Dot11EltEHTOperation \
             / Dot11EltExtensionGeneric",
            "RadioTap / Dot11 / Dot11QoS / LLC / SNAP / IP / UDP / DNS Qry b'lab.'",
            "PPI / Dot11 / LLC / SNAP / IP / ICMP 192.168.56.102 > 192.168.56.101",
            "PPI / RadioTap / Dot11 / LLC / SNAP / IP / ICMP",
            "PPI / Ether / IP / UDP / DNS Qry b'lab.'",
        ],
    );
}

/// A Scapy script that builds `frames` and sets `CUT_FROM`, then the writer such
/// scripts share: each frame to the pcap `argv[1]`, and with a second argument every
/// cut of it from byte `CUT_FROM` on.
macro_rules! frames_script {
    ($frames:literal) => {
        concat!(
            $frames,
            r#"w = RawPcapWriter(sys.argv[1], linktype=1)
for f in frames:
    b = bytes(f)
    w.write(b)
    if len(sys.argv) > 2:
        for n in range(CUT_FROM, len(b)):
            w.write(b[:n])
w.close()
"#
        )
    };
}

/// Writes Scapy-built MKA frames (EAPOL type 5) to the pcap `argv[1]`: the basic
/// parameter set with CAK names of several lengths (padded, empty, a length below the
/// fixed part), live and potential peer lists, SAK use, distributed SAK with and
/// without its cipher suite, ICV, an unknown and a distributed CAK set (Raw), sets cut
/// short and too long, EAPOL lengths shorter than the PDU and 0. With a second
/// argument, each frame is followed by every cut of it from the EAPOL header on.
const BUILD_MKA_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.eap import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='01:80:c2:00:00:03', type=0x888e)
sci = MACsecSCI(system_identifier='08:00:27:a8:38:66', port_identifier=1)
basic = lambda **k: MKABasicParamSet(**{'mka_version_id': 1, 'key_server_priority': 16, 'key_server': 1, 'macsec_desired': 1, 'macsec_capability': 2, 'param_set_body_len': 29 + 4, 'SCI': sci, 'actor_member_id': bytes(range(12)), 'actor_message_number': 7, 'algorithm_agility': 0x0080c201, 'cak_name': b'\x01\x02\x03\x04\x05', **k})
peer = lambda t: MKAPeerListTuple(member_id=bytes(range(1, 13)), message_number=b'\x00\x00\x00' + bytes([t]))
live = MKALivePeerListParamSet(param_set_body_len=32, member_id_message_num=[peer(1), peer(2)])
pot = MKAPotentialPeerListParamSet(param_set_body_len=16, member_id_message_num=[peer(3)])
sak = MKASAKUseParamSet(latest_key_an=1, latest_key_tx=1, latest_key_rx=1, plain_tx=1, delay_protect=1, param_set_body_len=40, latest_key_key_server_member_id=bytes(12), latest_key_key_number=b'\x00\x00\x00\x01', latest_key_lowest_acceptable_pn=b'\x00\x00\x00\x01', old_key_key_server_member_id=bytes(12), old_key_key_number=bytes(4), old_key_lowest_acceptable_pn=bytes(4))
dsak = MKADistributedSAKParamSet(distributed_an=1, confidentiality_offset=0, param_set_body_len=28, key_number=b'\x00\x00\x00\x01', sak_aes_key_wrap=bytes(range(24)))
dsak2 = MKADistributedSAKParamSet(distributed_an=2, param_set_body_len=36, key_number=b'\x00\x00\x00\x02', macsec_cipher_suite=b'\x00\x80\xc2\x00\x01\x00\x00\x01', sak_aes_key_wrap=bytes(range(24)))
icv = MKAICVSet(param_set_body_len=16, icv=bytes(range(16)))
PDU = lambda *sets, b=None: bytes(MKAPDU(basic_param_set=b or basic(), parameter_sets=list(sets)))
pdus = [PDU(live, icv), PDU(pot, sak, icv), PDU(live, dsak, icv), PDU(dsak2, icv), PDU(icv, b=basic(param_set_body_len=28, cak_name=b'')), PDU(b=basic(param_set_body_len=10, cak_name=b'')),
  PDU() + b'\x05\x00\x00\x04abcd', PDU() + b'\x07\x00\x00\x02xy', PDU() + b'\x01\x00\x00\x00', PDU() + b'\x01\x00', PDU(icv) + b'\xff\x00\x00\x30' + bytes(20)]
frames = [E()/EAPOL(version=3, type=5, len=len(p))/Raw(p) for p in pdus]
frames += [E()/EAPOL(version=3, type=5, len=10)/Raw(pdus[0]), E()/EAPOL(version=3, type=5, len=0)]
CUT_FROM = 15
"#
);

/// MACsec Key Agreement as Scapy reads it, whole and cut at every length.
#[test]
fn scapy_built_mka_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_MKA_FRAMES,
        "mka",
        800,
        &[
            "Ether / EAPOL EAPOL-MKA / MKAPDU",
            "Ether / EAPOL EAPOL-MKA / Raw / Padding",
        ],
    );
}

/// Writes Scapy-built Kerberos messages on UDP port 88 to the pcap `argv[1]`: each
/// message type (AS, TGS and AP requests and replies, an error), one with bytes after
/// it, lengths of 0 in short, long and indefinite form, and payloads that are not
/// Kerberos; then over TCP, after KerberosTCPHeader's length, with the ports bound
/// before and after 88. With a second argument, each frame is followed by every cut of it.
const BUILD_KERBEROS_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.kerberos import *
U = lambda s=40000, d=88: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
G = ASN1_GENERAL_STRING
body = KRB_KDC_REQ_BODY(kdcOptions='forwardable', cname=PrincipalName(nameString=[G(b'midwood')]), realm=G(b'LAB'), sname=PrincipalName(nameString=[G(b'krbtgt'), G(b'LAB')]), nonce=1234, etype=[0x12, 0x11], till=ASN1_GENERALIZED_TIME('20370913024805Z'), rtime=ASN1_GENERALIZED_TIME('20370913024805Z'))
messages = []
for root in [KRB_AS_REQ(reqBody=body), KRB_TGS_REQ(reqBody=body), KRB_ERROR(errorCode=25, realm=G(b'LAB'), sname=PrincipalName(nameString=[G(b'krbtgt'), G(b'LAB')]), stime=ASN1_GENERALIZED_TIME('20261203061019Z'), eData=None), KRB_AS_REP(), KRB_TGS_REP(), KRB_AP_REQ(), KRB_AP_REP()]:
    try:
        messages.append(bytes(Kerberos(root=root)))
    except Exception as e:
        raise
frames = [U()/Raw(m) for m in messages]
frames += [U(88, 40000)/Raw(messages[0] + b'tail'), U()/Raw(b'\x30\x03\x02\x01\x05'), U()/Raw(b'\x6a\x03\x02\x01'), U()/Raw(b'\x6a\x84\x00\x00\x00\x00'), U()/Raw(b'\x6a\x80\x00\x00'), U()/Raw(b'hello'), U(88, 88)/Raw(b'\x7e\x00')]
# Over TCP: KerberosTCPHeader's length, then the message (its length not checked);
# the ports Scapy binds before and after 88 (DNS first; DCE/RPC and LDAP Raw here
# rather than NetBIOS or HTTP).
T = lambda s=40000, d=88: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src='192.168.56.102', dst='192.168.56.101')/TCP(sport=s, dport=d, flags='PA')
L = lambda m: struct.pack('!I', len(m)) + m
frames += [T()/Raw(L(messages[0])), T(88, 40000)/Raw(L(messages[2])), T()/Raw(L(messages[0]) + b'tail'), T()/Raw(b'\x00\x00'), T(88, 40000)/Raw(b'\x00\x00\x00\x05hello'), T()/Raw(b'\x00\x00\x00\x00'), T(53, 88)/Raw(b'\x00\x05abcde'), T(88, 445)/Raw(L(messages[1])), T(135, 139)/Raw(b'\x05\x00\x0b\x03'), T(445, 389)/Raw(b'\x00\x00\x00\x02ab'), T(40000, 389)/Raw(b'GET / HTTP/1.1\r\n\r\n')]
CUT_FROM = 42
"#
);

/// Writes Scapy-built NetBIOS frames to the pcap `argv[1]`: session service messages
/// on TCP 139 and 445 (session request with its names, responses, keep-alive, a
/// length shorter and longer than the payload, payloads that are not SMB and too short
/// to tell) carrying SMB 1 headers (an echo, an error with every flag, an unnamed
/// command), SMB 2 headers (synchronous with a signature, asynchronous, with unnamed
/// flag bits, commands whose bodies Scapy leaves Raw), servers' error responses
/// (empty, with data and bytes after it), the SMB 3 transform and compression
/// transform headers; datagram service messages on UDP 138 (names and suffixes, SMB
/// inside, an empty one, one cut short); the SMB 2 bodies of fixed fields (logoff,
/// tree connect's response, tree disconnect, close with its file id and a response's
/// dates from 1601 to 9999, write's response, cancel from either side, echo, change
/// notify, set info's response) and compound messages (next commands without, with
/// and with a negative padding, an offset past the end, after an error response). With
/// a second argument, each frame is followed by every cut of it from the IP header's
/// end on.
const BUILD_NETBIOS_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.netbios import *
from scapy.layers.smb import *
from scapy.layers.smb2 import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
V4 = lambda: IP(src='192.168.56.102', dst='192.168.56.101')
T = lambda s=40000, d=445: E()/V4()/TCP(sport=s, dport=d, flags='PA')
U = lambda s=138, d=138: E()/IP(src='192.168.56.102', dst='192.168.56.255')/UDP(sport=s, dport=d)
name = lambda n: b' ' + b''.join(bytes([0x41 + (c >> 4), 0x41 + (c & 0xf)]) for c in (n + b' ' * 16)[:16])
frames = [
 T(d=139)/NBTSession(TYPE=0x81)/Raw(name(b'BROOKLYN') + b'\x00' + name(b'MIDWOOD') + b'\x00'),
 T(139, 40000)/NBTSession(TYPE=0x82),
 T(139, 40000)/NBTSession(TYPE=0x83)/Raw(b'\x82'),
 T()/NBTSession(TYPE=0x85),
 T()/NBTSession()/Raw(b'hello'),
 T()/NBTSession()/Raw(b'hi'),
 T()/NBTSession(LENGTH=3)/Raw(b'abcdef'),
 T()/NBTSession(LENGTH=100)/Raw(b'\xfeSMBabc'),
 T(d=139)/NBTSession()/SMB_Header(Command=0x2b, Flags=0x18, Flags2=0xc807, TID=1, PIDLow=0xfeff, UID=100, MID=2)/Raw(b'\x01\x01\x00\x02\x00ab'),
 T(139, 40000)/NBTSession()/SMB_Header(Command=0x04, Flags=0x98, Status=0xC0000022, Flags2=0xffff),
 T(d=139)/NBTSession()/SMB_Header(Command=0x99, Status=0x12345678, SecuritySignature=b'\x01\x02\x03\x04\x05\x06\x07\x08'),
 T()/NBTSession()/SMB2_Header(Command=7, Flags=0x10000009, MID=5, PID=0xfeff, TID=1, SessionId=0x1234, SecuritySignature=bytes(range(16)))/Raw(b'\x18\x00' + bytes(22)),
 T(445, 40000)/NBTSession()/SMB2_Header(Command=7, Flags=1, Status=0xC0000022, MID=5)/SMB2_Error_Response(),
 T(445, 40000)/NBTSession()/SMB2_Header(Command=10, Flags=3, Status=0xC0000034, AsyncId=77, CreditRequest=1)/SMB2_Error_Response(ErrorData=b'\x01\x02\x03')/Raw(b'tail'),
 T(445, 40000)/NBTSession()/SMB2_Header(Command=0x12, Flags=0x80000101, Status=0x103)/Raw(b'\x18\x00'),
 T(445, 40000)/NBTSession()/SMB2_Header(Command=0x99, Flags=1, Status=5)/Raw(b'\x09\x00\x00\x00\xff\x00\x00\x00ab'),
 T()/NBTSession()/SMB2_Transform_Header(Signature=bytes(range(16)), Nonce=b'n' * 16, OriginalMessageSize=100, SessionId=9)/Raw(b'encrypted'),
 T()/NBTSession()/SMB2_Compression_Transform_Header(OriginalCompressedSegmentSize=500, CompressionAlgorithm=3, Flags=1, Offset_or_Length=0x40)/Raw(b'zz'),
 T()/NBTSession()/SMB2_Compression_Transform_Header(CompressionAlgorithm=9, Flags=5),
 T(139, 445)/NBTSession()/Raw(b'\xfdSM'),
 U()/NBTDatagram(Type=0x11, ID=0x1234, SourceIP='192.168.56.102', SourceName=b'MIDWOOD', SUFFIX1=0x4141 + 0x20, DestinationName=b'WORKGROUP', SUFFIX2=0x4141 + 0x1e)/Raw(b'not smb'),
 U(138, 40000)/NBTDatagram(SourceName=b'A', DestinationName=b'B')/SMB_Header(Command=0x2b)/Raw(b'\x00'),
 U()/NBTDatagram(),
 U()/NBTDatagram()/SMB2_Header(),
 U(40000, 138)/Raw(b'\x10\x02'),
]
S = lambda: T(445, 40000)
H = lambda c, **k: SMB2_Header(Command=c, MID=9, **k)
R = lambda c, **k: SMB2_Header(Command=c, Flags=1, MID=9, **k)
fid = SMB2_FILEID(Persistent=0x1122334455667788, Volatile=0xffffffffffffffff)
frames += [
 T()/NBTSession()/H(2)/SMB2_Session_Logoff_Request(),
 S()/NBTSession()/R(2)/SMB2_Session_Logoff_Response(reserved=0x1234),
 S()/NBTSession()/R(3, CreditRequest=1)/SMB2_Tree_Connect_Response(ShareType=1, ShareFlags=0x30, Capabilities=0x8, MaximalAccess=0x1f01ff),
 S()/NBTSession()/R(3)/SMB2_Tree_Connect_Response(ShareType=9, ShareFlags=0xffffffff, Capabilities=0xffffffff, MaximalAccess=0xffffffff),
 T()/NBTSession()/H(4)/SMB2_Tree_Disconnect_Request(),
 S()/NBTSession()/R(4)/SMB2_Tree_Disconnect_Response(Reserved=7),
 T()/NBTSession()/H(6)/SMB2_Close_Request(Flags=1, FileId=fid),
 T()/NBTSession()/H(6)/SMB2_Close_Request(Flags=7),
 S()/NBTSession()/R(6)/SMB2_Close_Response(Flags=1, CreationTime=0x01d9a0b0c0d0e0f0, LastAccessTime=0, LastWriteTime=116444736000000000, ChangeTime=1, AllocationSize=8192, EndOfFile=1234, FileAttributes=0x20),
 S()/NBTSession()/R(6)/SMB2_Close_Response(CreationTime=116444735999999995, LastAccessTime=116444736000000005, LastWriteTime=2650467743990000000, ChangeTime=0x01d9a0b0c0d0e0f5, FileAttributes=0xffffffff),
 S()/NBTSession()/R(9)/SMB2_Write_Response(Count=4096, Remaining=1, WriteChannelInfoBufferOffset=2, WriteChannelInfoLen=3),
 T()/NBTSession()/H(0x0c, Flags=2, AsyncId=5)/SMB2_Cancel_Request(),
 S()/NBTSession()/R(0x0c)/SMB2_Cancel_Request(Reserved=1),
 T()/NBTSession()/H(0x0d)/SMB2_Echo_Request(),
 S()/NBTSession()/R(0x0d)/SMB2_Echo_Response()/Raw(b'extra'),
 T()/NBTSession()/H(0x0f)/SMB2_Change_Notify_Request(Flags=1, OutputBufferLength=2048, FileId=fid, CompletionFilter=0x17f),
 S()/NBTSession()/R(0x11)/SMB2_Set_Info_Response(),
 T()/NBTSession()/Raw(bytes(H(0x0d, NextCommand=68)/SMB2_Echo_Request()) + bytes(H(0x0d)/SMB2_Echo_Request())),
 T()/NBTSession()/Raw(bytes(H(0x0d, NextCommand=72)/SMB2_Echo_Request()) + b'PPPP' + bytes(H(6)/SMB2_Close_Request(FileId=fid))),
 T()/NBTSession()/Raw(bytes(H(0x0d, NextCommand=60)/SMB2_Echo_Request()) + b'ABCDEFGH' + bytes(H(0x0d)/SMB2_Echo_Request())),
 T()/NBTSession()/Raw(bytes(H(0x0d, NextCommand=72)/SMB2_Echo_Request())),
 T()/NBTSession()/Raw(bytes(H(4, NextCommand=68)/SMB2_Tree_Disconnect_Request()) + bytes(H(2, NextCommand=68)/SMB2_Session_Logoff_Request()) + bytes(H(7)/Raw(b'\x18\x00' + bytes(22)))),
 S()/NBTSession()/Raw(bytes(R(5, Status=0xC0000034, NextCommand=80)/SMB2_Error_Response(ErrorData=b'\x01\x02\x03')) + b'\x00' * 5 + bytes(R(6, Status=0xC0000034)/SMB2_Error_Response())),
 S()/NBTSession()/Raw(bytes(R(0x0d, NextCommand=0x1000)/SMB2_Echo_Response()) + b'xy'),
 S()/NBTSession()/Raw(bytes(R(0x0d, NextCommand=68)/SMB2_Echo_Response()) + b'\xffSMB' + bytes(60)),
]
CUT_FROM = 34
"#
);

/// NetBIOS's session and datagram services and the SMB headers after them, as Scapy
/// reads them, whole and cut at every length.
#[test]
fn scapy_built_netbios_and_smb_headers_read_as_scapy_reads_them() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_NETBIOS_FRAMES,
        "netbios",
        1000,
        &[
            "microsoft_ds > 192.168.56.101:40000 PA / NBTSession / SMB2_Header / SMB2_Error_Response / Raw",
            "netbios_ssn PA / NBTSession / SMB_Header / Raw",
            "PA / NBTSession / SMB2_Transform_Header / Raw",
            "NBTSession / SMB2_Compression_Transform_Header / Raw",
            "NBTSession / _SMBGeneric / Padding",
            ":40000 / NBTDatagram / SMB_Header / Raw",
            "netbios_dgm / NBTDatagram / _SMBGeneric / Raw",
            "NBTSession / SMB2_Header / SMB2_Close_Request",
            "NBTSession / SMB2_Header / SMB2_Echo_Request / Raw / SMB2_Header / SMB2_Close_Request",
            "NBTSession / SMB2_Header / SMB2_Error_Response / Raw / SMB2_Header / SMB2_Error_Response",
            "NBTSession / SMB2_Header / SMB2_Tree_Disconnect_Request / SMB2_Header / SMB2_Session_Logoff_Request / SMB2_Header / Raw",
        ],
    );
}

/// Writes Scapy-built TFTP frames to the pcap `argv[1]`: read and write requests (with
/// a mode, options, strings without their NUL, empty strings), data with and without
/// bytes, acknowledgements (one cut inside its block number), errors (named and
/// unnamed codes, bytes after the message), option acknowledgements with and without
/// options, unknown opcodes, a 1-byte payload, a datagram from port 69 (not TFTP to
/// Scapy). With a second argument, each frame is followed by every cut of it from the
/// UDP header's end on.
const BUILD_TFTP_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.tftp import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
U = lambda s=40000, d=69: E()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
O = lambda *kv: TFTP_Options(options=[TFTP_Option(oname=k, value=v) for k, v in kv])
frames = [
 U()/TFTP()/TFTP_RRQ(filename=b'pxelinux.0'),
 U()/TFTP()/TFTP_RRQ(filename=b'boot/vmlinuz', mode=b'netascii')/O((b'blksize', b'1428'), (b'tsize', b'0'), (b'timeout', b'5')),
 U()/TFTP(op=2)/TFTP_WRQ(filename=b'router-confg')/O((b'tsize', b'1234')),
 U()/TFTP(op=1)/Raw(b'no-nul-here'),
 U()/TFTP(op=1)/Raw(b'file\x00'),
 U()/TFTP(op=1)/Raw(b'file\x00octet\x00blksize'),
 U()/TFTP(op=1)/Raw(b'\x00\x00\x00'),
 U()/TFTP(op=3)/TFTP_DATA(block=1)/Raw(b'\x7fELF' + bytes(20)),
 U()/TFTP(op=3)/TFTP_DATA(block=65535),
 U()/TFTP(op=4)/TFTP_ACK(block=0),
 U()/TFTP(op=4)/Raw(b'\x00'),
 U()/TFTP(op=5)/TFTP_ERROR(errorcode=1, errormsg=b'File not found'),
 U()/TFTP(op=5)/TFTP_ERROR(errorcode=8, errormsg=b'bad option')/Raw(b'trailing'),
 U()/TFTP(op=5)/TFTP_ERROR(errorcode=42, errormsg=b"it's \"odd\"\xff"),
 U()/TFTP(op=6)/O((b'blksize', b'1428')),
 U()/TFTP(op=6),
 U()/TFTP(op=7)/Raw(b'x'),
 U()/Raw(b'\x00'),
 U(69, 40000)/TFTP()/TFTP_RRQ(filename=b'from-69'),
 U(40000, 69)/TFTP(op=0),
]
CUT_FROM = 42
"#
);

/// TFTP as Scapy reads it (only to port 69), whole and cut at every length.
#[test]
fn scapy_built_tftp_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_TFTP_FRAMES,
        "tftp",
        250,
        &[
            "UDP 192.168.56.102:40000 > 192.168.56.101:tftp / TFTP / RRQ b'boot/vmlinuz' / TFTP_Options",
            "tftp / TFTP / WRQ b'router-confg' / TFTP_Options",
            "tftp / TFTP / DATA 1 / Raw",
            "tftp / TFTP / ACK 0",
            "tftp / TFTP / ERROR File not found: b'File not found'",
            "tftp / TFTP / TFTP_OACK / TFTP_Options",
            "tftp / TFTP / Raw",
        ],
    );
}

/// Writes Scapy-built SNMP frames to the pcap `argv[1]`: a GET and its response with
/// every value type SNMP has (strings with odd bytes, TimeTicks, IpAddress, Counter32,
/// Gauge32, Counter64 past 2^63, a negative INTEGER, an OID), GETNEXT in SNMPv1, SET
/// and its error response, GETBULK, traps of SNMPv1 and v2c, an INFORM with no
/// bindings, OIDs Scapy's MIB names; then BER written by hand: the exceptions of
/// SNMPv2 responses and a NULL with contents, bytes after the message, a negative id,
/// an empty OID, a binding with no value, a BOOLEAN, an IpAddress of 3 bytes and an
/// unknown PDU tag (Raw to Scapy), a version past the named ones, integers of 16 and
/// 9 bytes, an empty binding and an empty message (fields None). (A long-form length
/// and an empty PDU are left out: Scapy's hexdump shows them rebuilt, other bytes.)
/// With a second argument, each frame is followed by every cut of it from the UDP
/// header's end on.
const BUILD_SNMP_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.snmp import *
A, B = '192.168.56.101', '192.168.56.102'
vb = lambda oid, value=None: SNMPvarbind(oid=ASN1_OID(oid), value=value) if value is not None else SNMPvarbind(oid=ASN1_OID(oid))
U = lambda s, d: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')/IP(src=A, dst=B)/UDP(sport=s, dport=d)
raw_vb = lambda oid, tail: bytes([0x30, len(bytes(ASN1_OID(oid))) + len(tail)]) + bytes(ASN1_OID(oid)) + tail
def msg(pdu_tag, body, version=1, community=b'public'):
    inner = bytes([pdu_tag, len(body)]) + body
    head = bytes(ASN1_INTEGER(version)) + bytes(ASN1_STRING(community))
    return bytes([0x30, len(head) + len(inner)]) + head + inner
def pdu_body(varbinds, id=7, error=0, index=0):
    vbl = b''.join(varbinds)
    return bytes(ASN1_INTEGER(id)) + bytes(ASN1_INTEGER(error)) + bytes(ASN1_INTEGER(index)) + bytes([0x30, len(vbl)]) + vbl
frames = [
    U(40000, 161)/SNMP(community='public', PDU=SNMPget(id=5, varbindlist=[vb('1.3.6.1.2.1.1.1.0'), vb('1.3.6.1.2.1.1.5.0')])),
    U(161, 40000)/SNMP(community='public', PDU=SNMPresponse(id=5, varbindlist=[vb('1.3.6.1.2.1.1.1.0', ASN1_STRING(b'Linux brooklyn 6.1 \x00\xff')), vb('1.3.6.1.2.1.1.3.0', ASN1_TIME_TICKS(123456)), vb('1.3.6.1.2.1.4.20.1.1.10.0.0.1', ASN1_IPADDRESS('10.0.0.1')), vb('1.3.6.1.2.1.2.2.1.10.1', ASN1_COUNTER32(4294967295)), vb('1.3.6.1.2.1.2.2.1.5.1', ASN1_GAUGE32(1000000000)), vb('1.3.6.1.2.1.31.1.1.1.6.1', ASN1_COUNTER64(2**63 + 5)), vb('1.3.6.1.4.1.2021.4.5.0', ASN1_INTEGER(-42)), vb('1.3.6.1.2.1.1.2.0', ASN1_OID('1.3.6.1.4.1.8072.3.2.10'))])),
    U(40001, 161)/SNMP(version=0, community='private', PDU=SNMPnext(id=99, varbindlist=[vb('1.3.6.1.2.1.2')])),
    U(40001, 161)/SNMP(community='private', PDU=SNMPset(id=100, varbindlist=[vb('1.3.6.1.2.1.1.6.0', ASN1_STRING(b"lab's room"))])),
    U(161, 40001)/SNMP(community='private', PDU=SNMPresponse(id=100, error=17, error_index=1, varbindlist=[vb('1.3.6.1.2.1.1.6.0', ASN1_STRING(b'x'))])),
    U(40002, 161)/SNMP(PDU=SNMPbulk(id=3, non_repeaters=1, max_repetitions=10, varbindlist=[vb('1.3.6.1.2.1.1.3'), vb('1.3.6.1.2.1.2.2.1.2')])),
    U(40003, 162)/SNMP(version=0, PDU=SNMPtrapv1(enterprise=ASN1_OID('1.3.6.1.4.1.8072.4'), agent_addr=ASN1_IPADDRESS('192.168.56.101'), generic_trap=3, specific_trap=0, time_stamp=ASN1_TIME_TICKS(500), varbindlist=[vb('1.3.6.1.2.1.2.2.1.1.2', ASN1_INTEGER(2))])),
    U(40003, 162)/SNMP(PDU=SNMPtrapv2(id=11, varbindlist=[vb('1.3.6.1.2.1.1.3.0', ASN1_TIME_TICKS(9)), vb('1.3.6.1.6.3.1.1.4.1.0', ASN1_OID('1.3.6.1.6.3.1.1.5.4'))])),
    U(40003, 162)/SNMP(PDU=SNMPinform(id=12, varbindlist=[])),
    U(40004, 161)/SNMP(version=3, community=b'', PDU=SNMPget(id=2**31, varbindlist=[vb('1.3.6.1.4.1.311.2.2.10'), vb('1.3.6.1.5.5.7.3.1.4'), vb('2.5.4.3'), vb('2.100.3')])),
    U(161, 40005)/Raw(msg(0xa2, pdu_body([raw_vb('1.3.6.1.2.1.1.9.0', b'\x80\x00'), raw_vb('1.3.6.1.2.1.1.9.1', b'\x81\x00'), raw_vb('1.3.6.1.2.1.1.9.2', b'\x82\x00'), raw_vb('1.3.6.1.2.1.1.9.3', b'\x05\x01\x07')]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x05\x00')])) + b'\x00\x01extra'),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x04\x00')], id=-1))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([b'\x30\x04\x06\x00\x05\x00']))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'')]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x01\x01\xff')]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x40\x03\x01\x02\x03')]))),
    U(161, 40005)/Raw(msg(0xa8, pdu_body([]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([]), version=300)),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x02\x10' + bytes(range(1, 17)))]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([raw_vb('1.3.6.1.2.1.1.1.0', b'\x02\x09\x01' + bytes(8))]))),
    U(161, 40005)/Raw(msg(0xa0, pdu_body([b'\x30\x00']))),
    U(161, 40005)/Raw(b'\x30\x00'),
]
CUT_FROM = 42
"#
);

/// SNMP as Scapy reads it (UDP ports 161 and 162), whole and cut at every length.
#[test]
fn scapy_built_snmp_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_SNMP_FRAMES,
        "snmp",
        1000,
        &[
            "UDP 192.168.56.101:40000 > 192.168.56.102:snmp / SNMP",
            "UDP 192.168.56.101:40003 > 192.168.56.102:snmp_trap / SNMP",
            "snmp > 192.168.56.102:40005 / SNMP / Raw",
            "snmp > 192.168.56.102:40005 / Raw",
        ],
    );
}

/// Writes Scapy-built L2TP frames to the pcap `argv[1]`: a control message (PPP to
/// Scapy), data messages carrying PPP with IPv4, IPv6 and LCP behind HDLC framing,
/// with the length, the sequence numbers, an offset and its padding (cut short too),
/// every flag, headers cut inside their numbers, from and to port 1701. With a second
/// argument, each frame is followed by every cut of it from the UDP header's end on.
const BUILD_L2TP_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.l2tp import L2TP
from scapy.layers.ppp import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
U = lambda s=1701, d=1701: E()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
frames = [
 U()/L2TP(hdr=0xc80, tunnel_id=1, session_id=0, ns=0, nr=0)/Raw(bytes.fromhex('c80100000000000000080000000000010008000000020100')),
 U()/L2TP(tunnel_id=5, session_id=9)/PPP(proto=0x21)/IP(src='10.0.0.1', dst='10.0.0.2')/ICMP(),
 U()/L2TP(hdr='length', tunnel_id=5, session_id=9)/PPP()/IP(src='10.0.0.1', dst='10.0.0.2')/UDP(),
 U(40000, 1701)/L2TP(hdr='sequence', tunnel_id=5, session_id=9, ns=3, nr=4)/HDLC()/PPP(proto=0xc021)/PPP_LCP_Configure(id=1),
 U(1701, 40000)/L2TP(hdr='offset', tunnel_id=5, session_id=9, offset=3, pad=b'abc')/PPP()/IPv6(src='fd00:1::1', dst='fd00:1::2'),
 U()/L2TP(hdr='offset+priority', tunnel_id=5, session_id=9, offset=8, pad=b'x' * 8),
 U()/L2TP(hdr='offset', tunnel_id=5, session_id=9, offset=100, pad=b'')/Raw(b'short'),
 U()/L2TP(hdr='control+offset', tunnel_id=5, session_id=9),
 U()/L2TP(hdr=0xfff, version=3, tunnel_id=1, session_id=2),
 U()/Raw(b'\x00'),
 U()/Raw(b'\x40\x02\x00'),
]
CUT_FROM = 42
"#
);

/// L2TP and the PPP Scapy reads after it, whole and cut at every length.
#[test]
fn scapy_built_l2tp_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_L2TP_FRAMES,
        "l2tp",
        200,
        &[
            "UDP / L2TP / PPP / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
            "UDP / L2TP / HDLC / PPP / LCP Configure-Request",
            "l2f > 192.168.56.101:l2f / L2TP / PPP / Raw",
        ],
    );
}

/// Writes Scapy-built Mobile IP and MGCP frames to the pcap `argv[1]`: registration
/// requests and replies (with bytes after them), tunnel data carrying IPv4, another
/// protocol and a cut header, unknown types; MGCP commands and responses, fields
/// without their stop byte, empty fields, bytes that are not text. With a second
/// argument, each frame is followed by every cut of it from the UDP header's end on.
const BUILD_MOBILE_IP_AND_MGCP_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.mobileip import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
U = lambda s=434, d=434: E()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
frames = [
 U(40000, 434)/MobileIP()/MobileIPRRQ(flags=0x12, lifetime=600, homeaddr='10.0.0.5', haaddr='192.168.56.101', coaddr='192.168.56.102', id=0x0102030405060708),
 U(434, 40000)/MobileIP(type=3)/MobileIPRRP(code=0, lifetime=600, homeaddr='10.0.0.5', haaddr='192.168.56.101', id=0xffffffffffffffff)/Raw(b'ext'),
 U()/MobileIP(type=3)/MobileIPRRP(code=130),
 U()/MobileIP(type=4)/MobileIPTunnelData()/IP(src='10.0.0.5', dst='10.0.0.9')/ICMP(),
 U()/MobileIP(type=4)/MobileIPTunnelData(nexthdr=55)/Raw(b'other'),
 U()/MobileIP(type=4)/MobileIPTunnelData()/Raw(b'\x45\x00'),
 U()/MobileIP(type=2)/Raw(b'?'),
 U()/MobileIP(type=1),
]
from scapy.layers.mgcp import MGCP
M = lambda s=2727, d=2727: E()/IP(src='192.168.56.102', dst='192.168.56.101')/UDP(sport=s, dport=d)
frames += [
 M()/MGCP(verb=b'CRCX', transaction_id=b'1204', endpoint=b'aaln/1@rgw.example.net', version=b'MGCP 1.0')/Raw(b'C: A3C47F21456789F0\nL: p:10, a:PCMU\nM: recvonly\n'),
 M(40000, 2727)/MGCP(),
 M(2727, 40000)/Raw(b'200 1204 OK\n'),
 M()/Raw(b'AUEP'),
 M()/Raw(b'AUEP 1'),
 M()/Raw(b'  \n\n'),
 M()/Raw(b'\x00\xff\n'),
]
CUT_FROM = 42
"#
);

/// Mobile IP (UDP 434) and MGCP (UDP 2727) as Scapy reads them, whole and cut.
#[test]
fn scapy_built_mobile_ip_and_mgcp_read_as_scapy_reads_them() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_MOBILE_IP_AND_MGCP_FRAMES,
        "mobileip-mgcp",
        250,
        &[
            "192.168.56.101:434 / MobileIP / MobileIPRRQ",
            "192.168.56.101:40000 / MobileIP / MobileIPRRP / Raw",
            "UDP / MobileIP / MobileIPTunnelData / IP / ICMP 10.0.0.5 > 10.0.0.9 echo-request 0",
            "192.168.56.101:2727 / MGCP / Raw",
        ],
    );
}

/// Writes Scapy-built TCP frames to the pcap `argv[1]`: Skinny headers to and from port
/// 2000 (named and unnamed messages, a body, every bit set), a header cut short; and
/// DNS over TCP where Scapy's length check decides (below 14, past the segment, the
/// least it takes, a query), also from port 53 to Skinny's port, where DNS's binding
/// comes first. With a second argument, each frame is followed by every cut of it
/// from the TCP header's end on.
const BUILD_SKINNY_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.skinny import Skinny
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
T = lambda s=40000, d=2000: E()/IP(src='192.168.56.102', dst='192.168.56.101')/TCP(sport=s, dport=d, flags='PA')
frames = [
 T()/Skinny(len=4, msg=0x0000),
 T()/Skinny(len=28, msg=0x0001)/Raw(b'SEP000000000001\x00' + bytes(12)),
 T(2000, 40000)/Skinny(len=4, msg=0x0100),
 T(2000, 40000)/Skinny(len=4, msg=0x013f, res=0x12),
 T()/Skinny(len=4, msg=0x7777),
 T()/Skinny(len=0xffffffff, res=0xffffffff, msg=0xffffffff),
 T(2000, 2000)/Skinny(msg=0x0006),
 T(53, 2000)/Raw(b'\x00\x0c\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00'),
 T()/Raw(b'\x04\x00\x00\x00\x00'),
 T(53, 40000)/DNS(qd=DNSQR(qname='lab.')),
 T(40000, 53)/Raw(b'\x00\x0d' + bytes.fromhex('12340100000100000000000000')),
 T(40000, 53)/Raw(b'\x00\x0e' + bytes.fromhex('1234010000000000000000000000')),
 T(40000, 53)/Raw(b'\x00\x40' + bytes.fromhex('123401000001000000000000036c616200')),
]
CUT_FROM = 54
"#
);

/// Skinny (TCP 2000) and DNS over TCP's length check as Scapy reads them, whole and
/// cut.
#[test]
fn scapy_built_skinny_and_dns_over_tcp_read_as_scapy_reads_them() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_SKINNY_FRAMES,
        "skinny",
        150,
        &[
            "192.168.56.101:cisco_sccp PA / Skinny / Raw",
            "192.168.56.102:domain > 192.168.56.101:cisco_sccp PA / Raw",
            "TCP / DNS Qry b'lab.'",
            "192.168.56.102:40000 > 192.168.56.101:domain PA / Raw",
        ],
    );
}

/// Writes Scapy-built PPTP control messages to the pcap `argv[1]`: each of the 15
/// types with its strings (NULs inside, after, none), bytes after a message, the bare
/// header of an unregistered type with `len` shorter and longer than its data, a type
/// whose low byte names a class, messages cut before byte 9 and inside a number.
/// With a second argument, each frame is followed by every cut of it from the TCP
/// header's end on.
const BUILD_PPTP_FRAMES: &str = frames_script!(
    r#"
import sys
from scapy.all import *
from scapy.layers.pptp import *
E = lambda: Ether(src='08:00:27:a8:38:66', dst='08:00:27:a8:38:65')
T = lambda s=40000, d=1723: E()/IP(src='192.168.56.102', dst='192.168.56.101')/TCP(sport=s, dport=d, flags='PA')
R = lambda: T(1723, 40000)
frames = [
 T()/PPTPStartControlConnectionRequest(framing_capabilities=3, bearer_capabilities=1, host_name=b'midwood', vendor_string=b'labnet'),
 R()/PPTPStartControlConnectionReply(result_code=1, error_code=0, framing_capabilities=1, host_name=b'brooklyn\x00x'),
 T()/PPTPStopControlConnectionRequest(reason=2),
 R()/PPTPStopControlConnectionReply(result_code=2, error_code=6),
 T()/PPTPEchoRequest(identifier=7),
 R()/PPTPEchoReply(identifier=7, result_code=1)/Raw(b'extra'),
 T()/PPTPOutgoingCallRequest(call_id=1, call_serial_number=2, minimum_bps=300, maximum_bps=100000000, bearer_type=3, framing_type=2, pkt_window_size=64, phone_number_len=3, phone_number=b'555'),
 R()/PPTPOutgoingCallReply(call_id=9, peer_call_id=1, result_code=1, connect_speed=64000, channel_id=4),
 T()/PPTPIncomingCallRequest(call_id=3, bearer_type=2, dialed_number=b'123', dialing_number=b'456', subaddress=b'7'),
 R()/PPTPIncomingCallReply(call_id=3, peer_call_id=4, result_code=2),
 T()/PPTPIncomingCallConnected(peer_call_id=4, connect_speed=1, framing_type=3),
 T()/PPTPCallClearRequest(call_id=3),
 R()/PPTPCallDisconnectNotify(call_id=3, result_code=4, cause_code=5, call_statistic=b'stats'),
 R()/PPTPWANErrorNotify(peer_call_id=4, crc_errors=1, framing_errors=2, hardware_overruns=3, buffer_overruns=4, time_out_errors=5, alignment_errors=6),
 T()/PPTPSetLinkInfo(peer_call_id=4, send_accm=0xffffffff, receive_accm=0),
 T()/PPTP(len=20, ctrl_msg_type=99, data=b'12345678'),
 T()/PPTP(len=8, ctrl_msg_type=0, data=b'abcdefgh'),
 T()/PPTP(len=100, ctrl_msg_type=16)/Raw(b'xy'),
 T()/Raw(bytes(PPTPEchoRequest(ctrl_msg_type=0x0105))),
 T()/Raw(b'\x00\x10\x00\x01\x1a\x2b\x3c'),
 T()/Raw(bytes(PPTPStartControlConnectionRequest())[:24]),
]
CUT_FROM = 54
"#
);

/// PPTP (TCP 1723) as Scapy reads it, whole and cut at every length.
#[test]
fn scapy_built_pptp_reads_as_scapy_reads_it() {
    require!("python3");
    whole_and_cut_as_scapy(
        BUILD_PPTP_FRAMES,
        "pptp",
        1000,
        &[
            "192.168.56.101:1723 PA / PPTPStartControlConnectionRequest",
            "PA / PPTPEchoReply / Raw",
            "PA / PPTPWANErrorNotify",
            "192.168.56.101:1723 PA / PPTP / Raw",
        ],
    );
}

/// Kerberos's summary (`UDP / KRB_AS_REQ`) as Scapy words it, whole and cut at every
/// length; `show()` is Scapy's only (docs/webcapture.md).
#[test]
fn scapy_built_kerberos_is_summarised_as_scapy_summarises_it() {
    require!("python3");
    let (whole, cuts) = (scratch("kerberos.pcap"), scratch("kerberos-cuts.pcap"));
    let (whole, cuts) = (whole.to_str().unwrap(), cuts.to_str().unwrap());
    python(BUILD_KERBEROS_FRAMES, &[whole]);
    python(BUILD_KERBEROS_FRAMES, &[cuts, "cuts"]);
    let summaries = same_summaries_as_scapy(whole);
    for expected in [
        "UDP / KRB_AS_REQ",
        "UDP / KRB_TGS_REP",
        "UDP / KRB_ERROR",
        "UDP / KRB_AS_REQ / Raw",
        "192.168.56.101:kerberos / Raw",
        "TCP / KerberosTCPHeader / KRB_AS_REQ",
        "TCP / KerberosTCPHeader / KRB_ERROR",
        "TCP / KerberosTCPHeader / KRB_TGS_REQ",
        "TCP 192.168.56.102:kerberos > 192.168.56.101:40000 PA / KerberosTCPHeader / Raw",
    ] {
        assert!(summaries.contains(expected), "{expected} in\n{summaries}");
    }
    let cut_summaries = same_summaries_as_scapy(cuts);
    assert!(cut_summaries.lines().count() > 600, "{cut_summaries}");
    // No hexdump comparison: Scapy's rebuilds a message from its fields (an empty
    // AS-REQ comes back with its defaults), labnet's dumps the stored bytes.
    same_json_as_show_and_summary(cuts);
    let _ = std::fs::remove_file(whole);
    let _ = std::fs::remove_file(cuts);
}

/// Scapy's IGMP layer adds a Router Alert option to the IP header below it when it
/// has none, also when reading a packet: its `show()` lists an option the bytes do not
/// hold. labnet lists the bytes (docs/webcapture.md says so).
#[test]
fn igmp_without_router_alert_shows_the_bytes_not_scapys_added_option() {
    require!("python3");
    let file = scratch("no-alert.pcap");
    let path = file.to_str().unwrap();
    let script = r#"
import sys
from scapy.all import Ether, IP, RawPcapWriter, rdpcap
from scapy.layers.igmp import IGMPv2_MR
ip = IP(src='192.168.56.102', dst='224.0.0.251', proto=2, ttl=1)
frame = bytes(Ether(dst='01:00:5e:00:00:fb') / ip / bytes(IGMPv2_MR(gaddr='224.0.0.251')))
w = RawPcapWriter(sys.argv[1], linktype=1)
w.write(frame)
w.close()
print(rdpcap(sys.argv[1])[0].show(dump=True))
"#;
    let theirs = python(script, &[path]);
    let mine = webcapture(&["-r", path, "--show"]);
    same_summaries_as_scapy(path);
    assert!(theirs.contains("IP Option Router Alert"), "{theirs}");
    assert!(!mine.contains("Router Alert"), "{mine}");
    assert!(mine.contains("ihl       = 5"), "{mine}");
    assert!(
        mine.contains("###[ IGMPv2 Membership Report ]###"),
        "{mine}"
    );
    let _ = std::fs::remove_file(&file);
}

/// The overlay and group membership script: midwood joins 239.56.0.1 on the address
/// `argv[1]` and leaves it.
const JOIN_AND_LEAVE: &str = r#"
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
group = struct.pack('4s4s', socket.inet_aton('239.56.0.1'), socket.inet_aton(sys.argv[1]))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group)
time.sleep(0.3)
s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, group)
time.sleep(0.3)
"#;

/// GRE, an SCTP INIT, an NTP client request, an NBNS name query and an IKE vendor ID
/// to `argv[2]` at
/// MAC `argv[3]` (brooklyn, whose kernel has neither GRE nor SCTP and which runs no
/// NTP or NetBIOS name server: it answers protocol- and port-unreachable, quoting
/// them) and a VRRP advertisement, from
/// `argv[1]`, a PPPoE discovery broadcast and an LCP echo in a PPPoE session, built by
/// Scapy.
const SEND_OVER_THE_WIRE: &str = r#"
import sys
from scapy.all import Ether, IP, GRE, ICMP, NTP, UDP, sendp
from scapy.layers.sctp import SCTP, SCTPChunkInit, SCTPChunkParamIPv4Addr
from scapy.layers.netbios import NBNSHeader, NBNSQueryRequest
from scapy.layers.isakmp import ISAKMP, ISAKMP_payload_VendorID
from scapy.layers.ppp import PPP, PPPoE, PPPoED, PPPoED_Tags, PPPoETag, PPP_LCP_Echo
from scapy.layers.vrrp import VRRP
me, them, their_mac = sys.argv[1:4]
sendp([Ether(dst=their_mac) / IP(src=me, dst=them) / GRE(key_present=1, key=5)
       / IP(src='10.0.0.1', dst='10.0.0.2') / ICMP(),
       Ether(dst=their_mac) / IP(src=me, dst=them) / SCTP(sport=40000, dport=5000)
       / SCTPChunkInit(init_tag=0x5a5a, a_rwnd=65536, n_out_streams=10, n_in_streams=10,
                       init_tsn=1, params=[SCTPChunkParamIPv4Addr(addr=me)]),
       Ether(dst=their_mac) / IP(src=me, dst=them) / UDP(sport=137, dport=137)
       / NBNSHeader(NAME_TRN_ID=7, NM_FLAGS=0x11, QDCOUNT=1)
       / NBNSQueryRequest(QUESTION_NAME=b'BROOKLYN'),
       Ether(dst=their_mac) / IP(src=me, dst=them) / UDP(sport=500, dport=500)
       / ISAKMP(init_cookie=b'midwood!', next_payload=13, exch_type=2)
       / ISAKMP_payload_VendorID(VendorID=b'\x09\x00\x26\x89\xdf\xd6\xb7\x12'),
       Ether(dst=their_mac) / IP(src=me, dst=them) / UDP(sport=40123, dport=123)
       / NTP(version=4, mode=3, ref=0, orig=0, recv=0, sent=3909000000.5),
       Ether(dst='ff:ff:ff:ff:ff:ff') / PPPoED(code=0x09)
       / PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101), PPPoETag(tag_type=0x0103, tag_value=b'mw')]),
       Ether(dst=their_mac) / PPPoE(sessionid=7) / PPP(proto=0xc021)
       / PPP_LCP_Echo(code=9, id=1, magic_number=0x5a5a5a5a),
       Ether(dst='01:00:5e:00:00:12') / IP(src=me, dst='224.0.0.18', ttl=255)
       / VRRP(vrid=9, addrlist=['192.168.56.1'])],
      iface='eth0', verbose=False)
"#;

/// What the lab's kernels send each other once their hosts are joined by VXLAN and
/// join multicast groups, and what Scapy sends over the wire: read as Scapy reads it.
#[test]
fn lab_vxlan_igmp_gre_ntp_and_vrrp_read_as_scapy_reads_them() {
    require!(root, "tcpdump", "ip", "ping", "sysctl", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let (brooklyn, midwood) = (
        lab.host("brooklyn").ipv4.to_string(),
        lab.host("midwood").ipv4.to_string(),
    );
    // A VXLAN overlay (VNI 42, the IANA port) over the lab wire, 10.56.0.0/24 inside.
    for (host, local, remote, inner) in [
        ("brooklyn", &brooklyn, &midwood, "10.56.0.1/24"),
        ("midwood", &midwood, &brooklyn, "10.56.0.2/24"),
    ] {
        lab.run(
            host,
            "ip",
            &[
                "link", "add", "vx0", "type", "vxlan", "id", "42", "local", local, "remote",
                remote, "dstport", "4789", "dev", "eth0",
            ],
        );
        lab.run(host, "ip", &["addr", "add", inner, "dev", "vx0"]);
        lab.run(host, "ip", &["link", "set", "vx0", "up"]);
    }
    let file = scratch("lab.pcap");
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &file);
    lab.run("midwood", "ping", &["-c2", "-W2", "10.56.0.1"]);
    // IGMPv3 (Linux's default), then IGMPv2.
    lab.run("midwood", "python3", &["-c", JOIN_AND_LEAVE, &midwood]);
    lab.run(
        "midwood",
        "sysctl",
        &["-qw", "net.ipv4.conf.eth0.force_igmp_version=2"],
    );
    lab.run("midwood", "python3", &["-c", JOIN_AND_LEAVE, &midwood]);
    let brooklyn_mac = lab.host("brooklyn").mac.clone();
    lab.run(
        "midwood",
        "python3",
        &["-c", SEND_OVER_THE_WIRE, &midwood, &brooklyn, &brooklyn_mac],
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let report = tcpdump.finish();
    let path = file.to_str().unwrap();
    let summaries = same_summaries_as_scapy(path);
    for expected in [
        "Ether / IP / UDP / VXLAN / Ether / ARP who has 10.56.0.1 says 10.56.0.2",
        "Ether / IP / UDP / VXLAN / Ether / IP / ICMP 10.56.0.2 > 10.56.0.1 echo-request 0 / Raw",
        "Ether / IP / UDP / VXLAN / Ether / IP / ICMP 10.56.0.1 > 10.56.0.2 echo-reply 0 / Raw",
        "IGMPv3: 192.168.56.102 > 224.0.0.22 Version 3 - Membership Report",
        "IGMP: 192.168.56.102 > 239.56.0.1 Version 2 - Membership Report 239.56.0.1",
        "IGMP: 192.168.56.102 > 224.0.0.2 Leave Group 239.56.0.1",
        "Ether / IP / GRE / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IP / ICMP / IPerror / GRE / IP / ICMP 10.0.0.1 > 10.0.0.2 echo-request 0",
        "Ether / IP / UDP / NTP v4, client",
        "Ether / IP / ICMP / IPerror / UDPerror / NTP v4, client",
        "Ether / 192.168.56.102 > 192.168.56.101 sctp / SCTP / SCTPChunkInit",
        "dest-unreach protocol-unreachable / IPerror / SCTPerror / SCTPChunkInit",
        "Ether / IP / UDP / NBNSHeader / NBNSQueryRequest who has '\\\\BROOKLYN'",
        "Ether / IP / ICMP / IPerror / UDPerror / NBNSHeader / NBNSQueryRequest who has '\\\\BROOKLYN'",
        "Ether / IP / UDP 192.168.56.102:isakmp > 192.168.56.101:isakmp / ISAKMP / ISAKMP_payload_VendorID",
        "/ IPerror / UDPerror / ISAKMP / ISAKMP_payload_VendorID",
        "Ether / PPPoE Active Discovery Initiation (PADI) / PPPoE TagsService-Name, Host-Uniq",
        "Ether / PPPoE / PPP / LCP Echo-Request",
        "vrrp / VRRP",
    ] {
        assert!(
            summaries.contains(expected),
            "{expected} in\n{summaries}\ntcpdump: {report}"
        );
    }
    same_listings_as_scapy(path);
    same_hexdumps_as_scapy(path);
    same_json_as_show_and_summary(path);
    let _ = std::fs::remove_file(&file);
}

/// dnsmasq on brooklyn as a DHCP server only (`options`: its range and options), and
/// a Scapy `client` script on midwood (given midwood's MAC) that prints the address it
/// was given: the exchange captured on brooklyn's eth0 (`name`.pcap), that address,
/// and tcpdump's report.
fn lease_from_dnsmasq(
    name: &str,
    options: &[&str],
    client: &str,
) -> (std::path::PathBuf, String, String) {
    let lab = TestLab::two_hosts().unwrap();
    let leases = scratch(&format!("{name}.leases"));
    let server = lab
        .command("brooklyn", "dnsmasq")
        .args([
            "--no-daemon",
            "--conf-file=/dev/null",
            "--port=0",
            "--user=root",
            "--interface=eth0",
            "--bind-interfaces",
            "--domain=lab",
            "--pid-file",
        ])
        .args(options)
        .arg(format!("--dhcp-leasefile={}", leases.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("dnsmasq starts");
    let server = ChildGuard(server);
    let file = scratch(&format!("{name}.pcap"));
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &file);
    let mac = lab.host("midwood").mac.clone();
    let out = lab
        .command("midwood", "python3")
        .args(["-c", client, &mac])
        .output()
        .unwrap();
    let report = tcpdump.finish();
    drop(server);
    let _ = std::fs::remove_file(&leases);
    assert!(
        out.status.success(),
        "the {name} client: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let leased = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (file, leased, report)
}

/// A DHCP client in Scapy on midwood (`argv[1]`: its MAC): discover, then request
/// what was offered; prints the acknowledged address.
const DHCP_CLIENT: &str = r#"
import sys
from scapy.all import BOOTP, DHCP, IP, UDP, Ether, conf, srp1
conf.checkIPaddr = False
mac = sys.argv[1]
chaddr = bytes.fromhex(mac.replace(':', ''))
def exchange(options):
    frame = (Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255')
             / UDP(sport=68, dport=67) / BOOTP(chaddr=chaddr, xid=0x5a5a0001, flags=0x8000)
             / DHCP(options=options + ['end']))
    answer = srp1(frame, iface='eth0', timeout=2, retry=2, verbose=False)
    assert answer is not None, options
    return answer
offer = exchange([('message-type', 'discover'), ('hostname', b'midwood'),
                  ('param_req_list', [1, 3, 6, 15, 51, 54])])
server = dict(o for o in offer[DHCP].options if isinstance(o, tuple))['server_id']
ack = exchange([('message-type', 'request'), ('requested_addr', offer[BOOTP].yiaddr),
                ('server_id', server), ('hostname', b'midwood')])
print(ack[BOOTP].yiaddr)
"#;

/// dnsmasq (a DHCP server only) on brooklyn answers a DHCP client on midwood: the four
/// messages of a lease, read as Scapy reads them.
#[test]
fn a_dhcp_lease_from_dnsmasq_reads_as_scapy_reads_it() {
    require!(root, "tcpdump", "dnsmasq", "python3");
    let (file, leased, report) = lease_from_dnsmasq(
        "dhcp",
        &[
            "--dhcp-range=192.168.56.150,192.168.56.160,255.255.255.0,10m",
            "--dhcp-option=option:router,192.168.56.101",
        ],
        DHCP_CLIENT,
    );
    assert!(
        leased.starts_with("192.168.56.15") || leased.starts_with("192.168.56.160"),
        "{leased}"
    );
    let path = file.to_str().unwrap();
    let summaries = same_summaries_as_scapy(path);
    for message in ["Discover", "Offer", "Request", "Ack"] {
        let line = format!("Ether / IP / UDP / BOOTP / DHCP {message}");
        assert!(
            summaries.lines().any(|l| l == line),
            "{line} in\n{summaries}\ntcpdump: {report}"
        );
    }
    let listing = webcapture(&["-r", path, "--show"]);
    for expected in [
        "message-type=offer",
        &format!("yiaddr    = {leased}"),
        "router=192.168.56.101",
        "domain=b'lab'",
        "server_id=192.168.56.101",
    ] {
        assert!(listing.contains(expected), "{expected} in\n{listing}");
    }
    same_listings_as_scapy(path);
    same_hexdumps_as_scapy(path);
    same_json_as_show_and_summary(path);
    let _ = std::fs::remove_file(&file);
}

/// A DHCPv6 client in Scapy on midwood (`argv[1]`: its MAC): solicit, then request
/// the address advertised; prints the address the reply confirms.
const DHCP6_CLIENT: &str = r#"
import sys
from scapy.all import Ether, IPv6, UDP, srp1, conf
from scapy.layers.dhcp6 import *
# Answers come to the link-local address from another one: match them by transaction.
conf.checkIPaddr = False
mac = sys.argv[1]
# midwood's link-local address, from the kernel's table (no guessing its form)
for line in open('/proc/net/if_inet6'):
    address, _, _, scope, _, name = line.split()
    if name == 'eth0' and scope == '20':
        link_local = ':'.join(address[i:i + 4] for i in range(0, 32, 4))
client = DHCP6OptClientId(duid=DUID_LL(lladdr=mac))
# Listen on the client port as a real client does: no port-unreachable for the answers
# (Scapy reads an RFC 4884 extension into an ICMPv6 error of 144 bytes or more;
# docs/webcapture.md).
import socket
listener = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
listener.bind(('::', 546))
def exchange(message):
    frame = (Ether(src=mac, dst='33:33:00:01:00:02') / IPv6(src=link_local, dst='ff02::1:2')
             / UDP(sport=546, dport=547) / message)
    answer = srp1(frame, iface='eth0', timeout=2, retry=3, verbose=False)
    assert answer is not None, message.summary()
    return answer
advertise = exchange(DHCP6_Solicit(trid=0x5a5a01) / client / DHCP6OptElapsedTime()
                     / DHCP6OptIA_NA(iaid=1) / DHCP6OptOptReq(reqopts=[23, 24]))
offered = advertise[DHCP6OptIAAddress].addr
reply = exchange(DHCP6_Request(trid=0x5a5a02) / client
                 / DHCP6OptServerId(duid=advertise[DHCP6OptServerId].duid)
                 / DHCP6OptElapsedTime()
                 / DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr=offered)]))
print(reply[DHCP6OptIAAddress].addr)
"#;

/// dnsmasq (a DHCPv6 server only) on brooklyn answers a DHCPv6 client on midwood:
/// solicit, advertise, request and reply, read as Scapy reads them.
#[test]
fn a_dhcpv6_lease_from_dnsmasq_reads_as_scapy_reads_it() {
    require!(root, "tcpdump", "dnsmasq", "python3");
    let (file, leased, report) = lease_from_dnsmasq(
        "dhcp6",
        &[
            "--dhcp-range=fd00:56::150,fd00:56::160,64,10m",
            "--dhcp-option=option6:dns-server,[fd00:56::101]",
        ],
        DHCP6_CLIENT,
    );
    assert!(
        leased.starts_with("fd00:56::15") || leased == "fd00:56::160",
        "{leased}"
    );
    let path = file.to_str().unwrap();
    let summaries = same_summaries_as_scapy(path);
    for message in [
        "DHCP6_Solicit",
        "DHCP6_Advertise",
        "DHCP6_Request",
        "DHCP6_Reply",
    ] {
        assert!(
            summaries
                .lines()
                .any(|l| l.contains(&format!(" / {message} / DHCP6Opt"))),
            "{message} in\n{summaries}\ntcpdump: {report}"
        );
    }
    let listing = webcapture(&["-r", path, "--show"]);
    for expected in [
        "###[ DHCP6 IA Address Option (IA_TA or IA_NA suboption) ]###".to_string(),
        format!("addr      = {leased}"),
        "dnsservers= [ fd00:56::101 ]".to_string(),
        "###[ DUID - Based on Link-layer Address ]###".to_string(),
    ] {
        assert!(listing.contains(&expected), "{expected} in\n{listing}");
    }
    same_listings_as_scapy(path);
    same_hexdumps_as_scapy(path);
    same_json_as_show_and_summary(path);
    let _ = std::fs::remove_file(&file);
}

/// Frames of EtherTypes neither labnet nor Scapy decodes further: the Ethernet line
/// names the type as Scapy does (/etc/ethertypes and Scapy's own layer names), or
/// gives its number as Python's `hex()` does. Built with Scapy, sent over the lab wire
/// and captured there.
#[test]
fn ethertypes_are_named_as_scapy_names_them() {
    require!(root, "tcpdump", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let file = std::env::temp_dir().join(format!(
        "labnet-exp3-ethertypes-{}.pcap",
        std::process::id()
    ));
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &file);
    let script = "from scapy.all import Ether, Raw, sendp\n\
        types = (0x88cc, 0x88f7, 0x8137, 0x88e5, 0x22f4, 0x0842, 0x9999)\n\
        sendp([Ether(dst='ff:ff:ff:ff:ff:ff', type=t)/Raw(bytes(range(46))) for t in types], iface='eth0', verbose=False)";
    lab.run("midwood", "python3", &["-c", script]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let report = tcpdump.finish();
    let chosen = file.with_extension("types.pcap");
    let (path, types) = (file.to_str().unwrap(), chosen.to_str().unwrap());
    webcapture(&["-r", path, "-w", types, "not ip and not ip6 and not arp"]);
    let mine = webcapture(&["-r", types]);
    assert_eq!(mine.lines().count(), 7, "{mine}\ntcpdump: {report}");
    for name in [
        "(LLDP)",
        "(PTP)",
        "(IPX)",
        "(802_1AE)",
        "(L2_IS_IS)",
        "(0x842)",
        "(0x9999)",
    ] {
        assert!(mine.contains(name), "{name} in\n{mine}");
    }
    same_summaries_as_scapy(types);
    same_listings_as_scapy(types);
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&chosen);
}
