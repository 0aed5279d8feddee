// libmosquitto writes each packet with its own write() call. To make the packets of one turn
// of BrokerLink's loop leave in as few TCP segments as possible, the broker's socket is
// corked (TCP_CORK) while the turn writes and uncorked before the loop waits in poll(). A
// cork costs two setsockopt() calls, worth paying only when a turn writes more than one
// packet: a turn that writes one (a PUBACK, one message) or none (a QoS 0 drain) would pay
// them for nothing. So the cork is put on at the second write() of a turn, by a write() that
// takes the place of glibc's for the whole process (as socket_reads.cpp does for read()). It
// acts only on the one socket a turn has begun for, on that turn's thread; every other write()
// is the system call.
#pragma once

namespace mqtt::turn_cork {

/// A turn of `fd` begins: its second write() on this thread corks it first.
void begin(int fd);
/// The turn ends: the socket is uncorked if a write corked it (what it held leaves now), and
/// later writes leave at once until the next begin().
void end();
/// The socket is gone or replaced: forgotten without a system call (its number may be reused).
void forget();
/// Whether a write of this turn corked the socket.
bool corked();

}  // namespace mqtt::turn_cork
