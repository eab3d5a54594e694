"""groupviz.serve.lan: which address the classroom start (`--lan`) binds and prints, and its URLs."""

from __future__ import annotations

import re

import pytest

from groupviz.serve import lan


@pytest.mark.parametrize("ip", ["192.168.1.7", "10.0.0.5", "172.16.3.4", "192.0.2.2", "8.8.8.8"])
def test_usable_lan_addresses(ip):
    assert lan.usable(ip)


@pytest.mark.parametrize("ip", [None, "", "127.0.0.1", "127.1.2.3", "0.0.0.0", "169.254.10.1", "224.0.0.1",
                                "::1", "fe80::1", "2001:db8::1", "not-an-ip"])
def test_loopback_unspecified_link_local_multicast_ipv6_and_garbage_are_not_usable(ip):
    assert not lan.usable(ip)


def test_the_routes_source_address_wins_over_the_interfaces():
    asked = []

    def probe(target):
        asked.append(target)
        return "192.168.1.7"

    assert lan.choose_lan_ip(probe, lambda: ["10.9.9.9"]) == "192.168.1.7"
    assert asked == [lan.PROBE_TARGETS[0]]
    assert all(re.fullmatch(r"(10|172\.(1[6-9]|2\d|3[01])|192\.168)\..*", t) for t in lan.PROBE_TARGETS)  # RFC 1918


def test_without_a_route_the_first_usable_interface_address_is_chosen():
    assert lan.choose_lan_ip(lambda t: None, lambda: ["127.0.0.1", "169.254.1.1", "10.1.2.3", "10.4.5.6"]) == "10.1.2.3"
    # a route that only finds loopback (no network) is no LAN either
    assert lan.choose_lan_ip(lambda t: "127.0.0.1", lambda: ["192.168.0.9"]) == "192.168.0.9"


def test_a_later_probe_target_is_tried_when_the_first_has_no_route():
    answers = {lan.PROBE_TARGETS[0]: None, lan.PROBE_TARGETS[1]: "192.168.4.2"}
    assert lan.choose_lan_ip(lambda t: answers.get(t), lambda: []) == "192.168.4.2"


def test_no_network_at_all_is_none_and_the_message_says_what_to_do():
    assert lan.choose_lan_ip(lambda t: None, lambda: ["127.0.0.1"]) is None
    assert "no LAN address" in lan.NO_LAN and "make classroom" in lan.NO_LAN and "make run" in lan.NO_LAN


def test_the_real_machine_gives_an_address_or_none():
    ip = lan.choose_lan_ip()
    assert ip is None or lan.usable(ip)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", a) for a in lan.interface_addresses())


def test_classroom_text_has_the_presenter_url_with_token_the_viewer_url_and_a_qr_code():
    presenter, viewer, text = lan.classroom_text("192.168.1.7", 5000, "TOK")
    assert presenter == "http://192.168.1.7:5000/?token=TOK" and viewer == "http://192.168.1.7:5000/"
    assert presenter in text and viewer in text
    assert lan.terminal_qr(viewer) in text and "█" in text
    _, _, plain = lan.classroom_text("192.168.1.7", 5000, "TOK", qr=False)
    assert "█" not in plain and presenter in plain


def test_classroom_text_without_a_token_says_everyone_presents():
    presenter, viewer, text = lan.classroom_text("10.0.0.2", 8080, None, qr=False)
    assert presenter == viewer == "http://10.0.0.2:8080/" and "--open" in text and "token" not in text


def test_the_terminal_qr_code_encodes_the_url():
    import segno

    url = "http://10.0.0.2:8080/"
    assert lan.terminal_qr(url) != lan.terminal_qr("http://10.0.0.2:8081/")
    assert segno.make(url, error="m").symbol_size(border=4)[0] == len(lan.terminal_qr(url).splitlines()[0])


def test_block_characters_are_checked_against_the_terminals_encoding():
    class Stream:
        def __init__(self, encoding):
            self.encoding = encoding

    assert lan.supports_blocks(Stream("utf-8")) and not lan.supports_blocks(Stream("ascii"))
