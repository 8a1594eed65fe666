"""Serial test vectors, each with where its bytes come from.

Each constant is preceded by its source (repository and path, or manual and
page), the device, and what it decodes to. Nothing here was captured by us
from hardware. Constants named SYNTHETIC_* were written here from the
documented format, with checksums worked out by hand: they test the format
as we read it, not a device's behaviour.
"""

from __future__ import annotations

# --- SunTech Advantage OEM NIBP module (bp-devices.md §4.1) ------------------

# Host commands. ak-git/DesktopFX Communication/src/main/java/com/ak/appliance/
# suntech/comm/bytes/NIBPRequest.java (START_BP, GET_CUFF_PRESSURE,
# GET_BP_DATA, CONTROL_PNEUMATICS_ALL_CLOSED), also listed in bp-devices.md
# §4.1 except the last; ABORT from §4.1 (Appciton stopMeasure sends 79 01 00).
SUNTECH_START_BP = bytes.fromhex("3a 20 a6")
SUNTECH_ABORT = bytes.fromhex("3a 79 01 00 4c")
SUNTECH_GET_CUFF_PRESSURE = bytes.fromhex("3a 79 05 00 48")
SUNTECH_GET_BP_DATA = bytes.fromhex("3a 79 03 00 4a")
# Not a command we send; checks the checksum rule on a 6-byte command.
SUNTECH_CONTROL_PNEUMATICS_ALL_CLOSED = bytes.fromhex("3a 0c 00 01 01 b8")

# Command bodies from 519984307/Appciton Providers/SuntechProvider/
# SuntechProvider.cpp (sendVersion 00, getReturnString 79 02 40,
# sendSelfTest 79 10 03 / A+ 79 11 00); checksums by hand.
SYNTHETIC_SUNTECH_GET_MODULE_DATA = bytes.fromhex("3a 00 c6")
SYNTHETIC_SUNTECH_GET_RETURN_STRING = bytes.fromhex("3a 79 02 40 0b")
SYNTHETIC_SUNTECH_STATUS = bytes.fromhex("3a 79 10 03 3a")
SYNTHETIC_SUNTECH_STATUS_A_PLUS = bytes.fromhex("3a 79 11 00 3c")

# DesktopFX Communication/src/test/java/com/ak/appliance/suntech/comm/
# converter/NIBPConverterTest.java and interceptor/NIBPBytesInterceptorTest.java:
# "Module response for a cuff pressure of 258mmHg" -> CuffPressure(258).
SUNTECH_CUFF_PRESSURE_258 = bytes.fromhex("3e 05 02 01 ba")
# NIBPBytesInterceptorTest: the same reply with checksum B1; yields no frame.
SUNTECH_CUFF_PRESSURE_BAD_CHECKSUM = bytes.fromhex("3e 05 02 01 b1")
# NIBPBytesInterceptorTest: ACK "K" (cycle executed).
SUNTECH_ACK_EXECUTED = bytes.fromhex("3e 04 4b 73")
# NIBPConverterTest.testInvalidFrame: length byte 0 ("INVALID").
SUNTECH_BAD_LENGTH = bytes.fromhex("3e 00 02 01 ba")
# Both DesktopFX tests, field comments from the OEM manual: SYS 115, DIA 74,
# 30 beats, BP status 1, test codes 00 00 00 00 00 00 31 07, HR 85, MAP 88,
# error code 0. Whether it was captured from a module is not stated.
SUNTECH_BP_DATA_115_74 = bytes.fromhex(
    "3e 18 7300 4a00 1e 01 00 00 00 00 00 00 31 07 55 00 5800 00 0000 e9"
)

# The DesktopFX BP data with only the error code (and checksum) changed:
# 2 = erratic signal / motion, 87 = loose cuff or leak, 200 = not in the list.
SYNTHETIC_SUNTECH_BP_DATA_MOVEMENT = bytes.fromhex(
    "3e 18 7300 4a00 1e 01 00 00 00 00 00 00 31 07 55 00 5800 02 0000 e7"
)
SYNTHETIC_SUNTECH_BP_DATA_LOOSE_CUFF = bytes.fromhex(
    "3e 18 7300 4a00 1e 01 00 00 00 00 00 00 31 07 55 00 5800 57 0000 92"
)
SYNTHETIC_SUNTECH_BP_DATA_UNKNOWN_ERROR = bytes.fromhex(
    "3e 18 7300 4a00 1e 01 00 00 00 00 00 00 31 07 55 00 5800 c8 0000 21"
)
# SYS 2047 (0x07FF) with error code 0: the "error stored as a number" shape
# of bp-devices.md §2.2, decodes but is implausible.
SYNTHETIC_SUNTECH_BP_DATA_2047 = bytes.fromhex(
    "3e 18 ff07 4a00 1e 01 00 00 00 00 00 00 31 07 55 00 5800 00 0000 56"
)
SYNTHETIC_SUNTECH_ACK_RECEIVED = bytes.fromhex("3e 04 4f 6f")
SYNTHETIC_SUNTECH_ACK_BUSY = bytes.fromhex("3e 04 42 7c")
# A 5-byte word 0: the STATUS reply as Appciton reads it (self-test passed).
SYNTHETIC_SUNTECH_WORD_0 = bytes.fromhex("3e 05 00 00 bd")
SYNTHETIC_SUNTECH_CUFF_PRESSURE_FFFF = bytes.fromhex("3e 05 ff ff bf")
# Return string: 67 bytes, texts at payload offsets 0 and 8 (Appciton
# "%1-%2"), "LX" = Advantage. The texts themselves are made up.
SYNTHETIC_SUNTECH_RETURN_STRING = b">C" + b"LX-1.23\0" + b"2019.05\0" + bytes(48) + b"\x8b"
# Length 6 is the calibration result in Appciton; we do not decode it.
SYNTHETIC_SUNTECH_CALIBRATION_REPLY = bytes.fromhex("3e 06 04 00 00 b8")

# --- Omron HBP-9020 / HBP-9030 (bp-devices.md §4.2) ---------------------------

# EnvisionIE MDI frmMonitoring.cs, comment in the "omron_hbp9020_mode5_f3"
# case (quoted in bp-devices.md §4.2). HBP-9020, Mode 5 F3. Decodes to
# 2023-04-27 15:06, SYS 140, MEAN 98, DIA 77, pulse 68, last digit 3.
OMRON_MDI_LINE = b"bp,99999999999999999999,2023/04/27,15:06,140,098,077,068,3\r\n"
# XiMPLib xDevice/xBpMeter/Omron/HBP9020.cs simulate(): a line its author made
# up, CR-terminated as XiMPLib's packet is. 2016-01-25 01:05, 100/50, MEAN 75,
# pulse 65, last digit 0.
OMRON_XIMPLIB_SIMULATED_LINE = b"bp,12345678901234567890,2016/01/25,01:05,100,075,050,065,0\r"
# XiMPLib HBP9020.cs header comment, hex dump of the older STX packet (model
# not stated): 2015-05-02 09:43, SYS 125, DIA 75, pulse 99.
OMRON_XIMPLIB_STX_RECORD = bytes.fromhex(
    "02 20 313530353032 20 30393433 20 313235 20 303735 20 303939 03"
)
# Same comment: "HEADER 0x3F, 0x3F, 0x00, 0x3F, 0x00, 0x00" sent before STX.
OMRON_XIMPLIB_STX_HEADER = bytes.fromhex("3f 3f 00 3f 00 00")

# The MDI line with an impossible date (30 February).
SYNTHETIC_OMRON_LINE_BAD_DATE = b"bp,99999999999999999999,2023/02/30,15:06,140,098,077,068,3\r\n"
# The MDI line with SYS/MEAN/DIA all 000: how a failed reading might look.
SYNTHETIC_OMRON_LINE_ZEROS = b"bp,99999999999999999999,2023/04/27,15:06,000,000,000,000,3\r\n"
# The MDI numbers in SYS, DIA, MEAN order: what a monitor set to another
# field order would send. Decodes, but the "mean" 77 is below the "dia" 98.
SYNTHETIC_OMRON_LINE_SWAPPED = b"bp,99999999999999999999,2023/04/27,15:06,140,077,098,068,3\r\n"

# --- Tanita (bp-devices.md §4.10) ---------------------------------------------

# Tanita SC-240 instruction manual p. 24, "Output sample" (standard body type,
# male, 30 years, height 170 cm), as printed but without the typeset space
# after each comma and with straight quotes; CR LF per the SC-330 manual's
# "Transmit data". CS FD matches only this spacing. Decodes to SC-240,
# 82.7 kg, 170 cm, BMI 28.6, fat 18.6 %, clothes 0.0 kg.
TANITA_SC240_MANUAL_SAMPLE = (
    b'{0,16,~0,1,~1,1,~2,1,MO,"SC-240",SN,"00000002",Bt,0,GE,1,AG,30,Hm,170,Pt,0.0,'
    b"Wk,82.7,FW,18.6,fW,15.4,MW,67.3,mW,64.0,sW,19,bW,3.3,wW,48.0,ww,58.0,MI,28.6,"
    b"Sw,63.6,OV,30.0,IF,6,rb,8255,rB,1973,rJ,12,rA,28,ZF,369.4,CS,FD\r\n"
)
# XiMPLib xDevice/xFatAnalyser/Tanita/BC418.cs, the line in initPacket's
# comment, plus the CR LF its packet definition ends with. BC-418, 4 May 2015
# (dd/mm/yy) 15:52: 170 cm, 78.3 kg, fat 25.9 %, BMI 27.1.
TANITA_BC418_XIMPLIB_LINE = (
    b'"04/05/15","15:52",0,1,00170,078.3,25.9,020.3,058.0,038.9,37,027.1,06837,572,225,'
    b"229,304,311,23.9,003.5,011.1,010.5,24.0,003.4,010.8,010.2,19.9,000.7,003.0,002.8,"
    b"20.5,000.7,002.8,002.6,28.3,012.0,030.4,028.9,12\r\n"
)
# BC418.cs simulate(): the byte array, written here as text. 22 May 2015
# 16:34: 168 cm, 68.9 kg, fat 19.8 %, BMI 24.4.
TANITA_BC418_XIMPLIB_SIMULATED = (
    b'"22/05/15","16:34",0,1,00168,068.9,19.8,013.6,055.3,037.8,29,024.4,06523,563,223,'
    b"243,287,289,19.8,002.6,010.4,009.8,21.5,002.7,009.7,009.2,15.4,000.6,003.0,002.8,"
    b"16.2,000.6,002.9,002.7,19.9,007.3,029.3,027.9,08\r\n"
)

# Keys and order from the WB-3000 manual p. 10 (MO, Hm, Wk, MI, CS); values
# made up. WB-3000, 172.5 cm, 70.4 kg, BMI 23.7.
SYNTHETIC_TANITA_WB3000 = b'{0,16,~0,1,~1,1,~2,1,MO,"WB-3000",Hm,172.5,Wk,70.4,MI,23.7,CS,78\r\n'
# The same scale in lb mode (Wp instead of Wk).
SYNTHETIC_TANITA_WB3000_LB = b'{0,16,~0,1,~1,1,~2,1,MO,"WB-3000",Wp,155.2,MI,23.6,CS,A4\r\n'
# The SC-240 sample cut after Wk, with Wk 0.0: an empty plate.
SYNTHETIC_TANITA_SC240_EMPTY_PLATE = (
    b'{0,16,~0,1,~1,1,~2,1,MO,"SC-240",SN,"00000002",Bt,0,GE,1,AG,30,Hm,170,Pt,0.0,Wk,0.0,CS,EF\r\n'
)
