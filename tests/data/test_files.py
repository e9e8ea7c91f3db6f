"""Which paths may be read or written, and readers that stop at the row and column limits."""

from __future__ import annotations

import os
import socket
import stat
import threading

import fastexcel
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from kpi.data import files
from kpi.data.files import (
    check_input_path,
    check_output_path,
    count_lines,
    load_sheet_limited,
    read_csv_limited,
    read_input,
    read_whitespace,
)
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests import workbooks
from tests.conftest import realdata


def _key(func, *args, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(PiloteError) as info:
        func(*args, **kwargs)
    return info.value.key


# ---------------------------------------------------------------------------------------------
# Input paths


def test_a_regular_file_is_accepted(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "ventes.csv"
    path.write_bytes(b"a;b\n1;2\n")
    checked = check_input_path(path)
    assert (checked.path, checked.size) == (path, 8)
    assert read_input(path) == b"a;b\n1;2\n"
    link = tmp_path / "lien.csv"
    link.symlink_to(path)
    assert check_input_path(link).size == 8


def test_special_files_are_refused_without_being_opened(tmp_path) -> None:  # noqa: ANN001
    assert _key(check_input_path, tmp_path) == "files.is_folder"
    assert _key(check_input_path, tmp_path / "absent.csv") == "files.not_found"
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    # a FIFO without a writer would block an open() forever: run it in a thread with a limit
    result: list[str] = []
    t = threading.Thread(target=lambda: result.append(_key(check_input_path, fifo)), daemon=True)
    t.start()
    t.join(10)
    assert result == ["files.is_fifo"]
    assert _key(check_input_path, "/dev/zero") == "files.is_device"
    assert _key(read_input, "/dev/zero") == "files.is_device"
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert _key(check_input_path, sock_path) == "files.is_socket"


def test_a_swap_between_stat_and_open_is_caught(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "ventes.csv"
    path.write_bytes(b"a;b\n")
    real_fstat = os.fstat

    def fstat_of_a_fifo(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((stat.S_IFIFO | 0o644, *tuple(st)[1:]))

    monkeypatch.setattr(files.os, "fstat", fstat_of_a_fifo)
    assert _key(check_input_path, path) == "files.is_fifo"


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "secret.csv"
    path.write_bytes(b"a;b\n")
    if os.geteuid() != 0:  # root reads everything: simulate the refusal below as well
        path.chmod(0)
        assert _key(check_input_path, path) == "files.unreadable"
        path.chmod(0o644)

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "open", refuse)
    with pytest.raises(PiloteError) as info:
        check_input_path(path)
    assert info.value.key == "files.unreadable"
    assert "Permission denied" in info.value.message("en")


def test_size_limit(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "gros.csv"
    path.write_bytes(b"x" * (2 * 2**20 + 1))
    limits = Limits(max_file_bytes=2 * 2**20)
    with pytest.raises(PiloteError) as info:
        check_input_path(path, limits)
    assert info.value.key == "files.too_big"
    assert info.value.params["limit_mb"] == 2


# ---------------------------------------------------------------------------------------------
# Output paths


def test_output_paths(tmp_path) -> None:  # noqa: ANN001
    assert check_output_path(tmp_path / "rapport.html") == "html"
    assert check_output_path(tmp_path / "Rapport.XLSX") == "xlsx"
    assert check_output_path(tmp_path / "leads.csv", extensions=(".csv", ".xlsx")) == "csv"
    assert not list(tmp_path.iterdir()), "the write test leaves nothing behind"
    assert _key(check_output_path, tmp_path / "rapport.pdf") == "files.bad_extension"
    assert _key(check_output_path, tmp_path / "absent" / "r.html") == "files.out_no_folder"
    folder = tmp_path / "dossier.html"
    folder.mkdir()
    assert _key(check_output_path, folder) == "files.out_is_folder"
    fifo = tmp_path / "tube.html"
    os.mkfifo(fifo)
    assert _key(check_output_path, fifo) == "files.out_not_file"
    # a place nobody can create files in, root included
    assert _key(check_output_path, "/proc/rapport.html") == "files.out_not_writable"


def test_output_messages_name_the_path_in_both_languages(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(PiloteError) as info:
        check_output_path(tmp_path / "absent" / "r.html")
    assert "absent" in info.value.message("fr") and "n'existe pas" in info.value.message("fr")
    assert "does not exist" in info.value.message("en")


# ---------------------------------------------------------------------------------------------
# CSV


def test_count_lines() -> None:
    assert count_lines(b"") == 0
    assert count_lines(b"a\nb\n") == 2
    assert count_lines(b"a\nb") == 2
    assert count_lines(b"a\r\nb\r\n") == 2
    assert count_lines(b"a\rb\rc") == 3  # old Mac line ends


def _csv_options(names: list[str], block: int = 1 << 20) -> tuple:
    return (
        pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block),
        pacsv.ParseOptions(delimiter=";", newlines_in_values=True),
        pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )


def test_csv_within_the_limit_is_read_whole() -> None:
    data = b"a;b\n" + b"".join(b"%d;x\n" % i for i in range(150))
    table = read_csv_limited(data, *_csv_options(["a", "b"]), Limits(max_rows=50))
    assert table.num_rows == 150  # 150 ≤ 50 + 100 lines of slack


def test_csv_over_the_limit_stops_at_the_first_batch_past_it() -> None:
    data = b"a;b\n" + b"".join(b"%d;x\n" % i for i in range(100_000))
    with pytest.raises(PiloteError) as info:
        read_csv_limited(data, *_csv_options(["a", "b"], block=4096), Limits(max_rows=1000))
    assert info.value.key == "files.too_many_rows"
    assert 1100 < info.value.params["n"].value < 2000  # a few 4 kB batches, not the 100,000 rows


def test_csv_with_quoted_line_breaks_is_counted_by_records() -> None:
    # 300 lines but 100 records: more lines than the limit allows, fewer records
    data = b"a;b\n" + b"".join(b'%d;"un\ndeux\ntrois"\n' % i for i in range(100))
    table = read_csv_limited(data, *_csv_options(["a", "b"], block=256), Limits(max_rows=50))
    assert table.num_rows == 100
    assert table.column("b")[0].as_py() == "un\ndeux\ntrois"


# ---------------------------------------------------------------------------------------------
# Whitespace-separated text


def test_whitespace_text_as_arrow_columns() -> None:
    data = (
        b"  client   mois      montant\n"
        b"  00001    1997-01   12.5 \n"
        b"\n"
        b"  00002\t1997-02\t\t 7\r\n"
        b'  00003    "Jan 97"  3\n'
    )
    out = read_whitespace(data, 3)
    assert out.table.column_names == ["1", "2", "3"]
    assert out.table.to_pydict() == {
        "1": ["client", "00001", "00002", "00003"],
        "2": ["mois", "1997-01", "1997-02", "Jan 97"],
        "3": ["montant", "12.5", "7", "3"],
    }
    assert (out.short_rows, out.dropped_lines) == (0, [])


def test_whitespace_ragged_lines_are_padded_or_dropped_in_order() -> None:
    data = b"a b c\n1 2 3\n4 5\n6 7 8 9\n10 11 12\n"
    out = read_whitespace(data, 3)
    assert out.table.to_pydict() == {
        "1": ["a", "1", "4", "10"],
        "2": ["b", "2", "5", "11"],
        "3": ["c", "3", None, "12"],
    }
    assert (out.short_rows, out.dropped_lines) == (1, [4])


def test_whitespace_limits_stop_early(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _key(read_whitespace, b"a b c\n", 3, Limits(max_columns=2)) == "files.too_many_columns"
    monkeypatch.setattr(files, "BLOCK", 1000)
    data = b"".join(b"%d 2 3\n" % i for i in range(100_000))
    with pytest.raises(PiloteError) as info:
        read_whitespace(data, 3, Limits(max_rows=500))
    assert info.value.key == "files.too_many_rows"
    assert 600 < info.value.params["n"].value < 1000  # the first block past the limit


def test_whitespace_blocks_keep_lines_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BLOCK", 16)
    data = b"".join(b"%05d    %05d\r\n" % (i, 2 * i) for i in range(300))
    data += b"x" * 40 + b" y\r\n"  # a line longer than a block
    out = read_whitespace(data, 2)
    assert out.table.num_rows == 301
    assert out.table.column("2")[299].as_py() == "00598"
    assert out.table.column("1")[300].as_py() == "x" * 40


def test_whitespace_real_file() -> None:
    data = realdata("cdnow/CDNOW_master.txt").read_bytes()
    out = read_whitespace(data, 4)
    assert out.table.num_rows == 69_659 + 1  # the README's data rows, and the header line
    assert out.table.slice(0, 1).to_pylist() == [
        {"1": "customer_id", "2": "date", "3": "number_of_cds", "4": "dollar_value"}
    ]
    assert (out.short_rows, out.dropped_lines) == (0, [])


# ---------------------------------------------------------------------------------------------
# Workbook sheets


def test_sheet_over_the_limits_is_refused_before_arrow() -> None:
    rows = [["Client", "Montant", "Région"]] + [[f"C{i}", i, "Nord"] for i in range(300)]
    reader = fastexcel.read_excel(workbooks.xlsx(rows))
    batch = load_sheet_limited(reader, 0, Limits(max_rows=250), header_row=0)
    assert (batch.num_rows, batch.num_columns) == (300, 3)  # 300 ≤ 250 + 100
    with pytest.raises(PiloteError) as info:
        load_sheet_limited(reader, 0, Limits(max_rows=150), header_row=0)
    assert (info.value.key, info.value.params["n"].value) == ("files.too_many_rows", 300)
    assert _key(load_sheet_limited, reader, 0, Limits(max_columns=2)) == "files.too_many_columns"


def test_ods_sheet_limits() -> None:
    reader = fastexcel.read_excel(workbooks.ods([["a", "b", "c"], [1, 2, 3]]))
    assert load_sheet_limited(reader, 0, Limits(max_columns=3)).num_columns == 3
    assert _key(load_sheet_limited, reader, 0, Limits(max_columns=2)) == "files.too_many_columns"


def test_xls_sheet_limits() -> None:
    reader = fastexcel.read_excel(realdata("superstore/Sample - Superstore.xls").read_bytes())
    with pytest.raises(PiloteError) as info:
        load_sheet_limited(reader, "Orders", Limits(max_rows=1000))
    assert info.value.key == "files.too_many_rows"
    assert info.value.params["n"].value == 10_194  # the README's Orders rows


def test_check_table_shape() -> None:
    table = pa.table({"a": [1, 2, 3], "b": [4, 5, 6]})
    files.check_table_shape(table, Limits(max_rows=3, max_columns=2))
    assert _key(files.check_table_shape, table, Limits(max_columns=1)) == ("files.too_many_columns")
    big = pa.table({"a": list(range(201))})
    assert _key(files.check_table_shape, big, Limits(max_rows=100)) == "files.too_many_rows"
