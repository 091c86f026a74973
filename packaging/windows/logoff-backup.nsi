; The Windows installer, logoff-backup-setup.exe, built on Linux with NSIS (makensis):
;   makensis -DVERSION=0.1.0 -DEXE=path\to\logoff-backup.exe -DOUT=logoff-backup-setup.exe logoff-backup.nsi
; Per machine, into Program Files. Silent roll-out (RMM, Group Policy):
;   logoff-backup-setup.exe /S /DATA=\\server\EXACTData /DEST=D:\DataBkup [/WRAP=1] [/TASK=18:30]
; /WRAP=1 (the default) makes EXACT's shortcuts for every user ask for the backup when EXACT closes,
; /WRAP=0 puts back any changed before (exact-shortcuts.nsh); /EXACTEXE=name.exe if EXACT's program
; is not called EXACT.exe.
; The exit code is non-zero when something asked for could not be done (see the install log).

; A 64-bit installer: every Windows a practice runs is 64-bit, and so is this program.
Target amd64-unicode
!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUT
  !define OUT "logoff-backup-setup.exe"
!endif
; Paths are from this folder: makensis works in the script's own folder.
!define NAME "logoff-backup"
!define PUBLISHER "logoff-backup"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${NAME}"
!define EVENT_KEY "SYSTEM\CurrentControlSet\Services\EventLog\Application\${NAME}"
!define TASK_NAME "EXACT network backup"

Name "${NAME} ${VERSION}"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\${NAME}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
!define MUI_ICON "../../assets/icon.ico"
!define MUI_UNICON "../../assets/icon.ico"

Var Data
Var Dest
Var Task
Var Wrap
Var ExactExe
Var Failed

!include "exact-shortcuts.nsh"

!insertmacro MUI_PAGE_DIRECTORY
Page custom FoldersPage FoldersLeave
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  SetShellVarContext all
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DATA=" $Data
  ClearErrors
  ${GetOptions} $R0 "/DEST=" $Dest
  ClearErrors
  ${GetOptions} $R0 "/TASK=" $Task
  ClearErrors
  ${GetOptions} $R0 "/WRAP=" $Wrap
  ${If} $Wrap != "0"
    StrCpy $Wrap 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/EXACTEXE=" $ExactExe
  ${If} $ExactExe == ""
    StrCpy $ExactExe "EXACT.exe"
  ${EndIf}
  StrCpy $Failed 0
FunctionEnd

Var DataField
Var DestField
Var WrapField
Var TaskField

; Asks for the two folders (an upgrade may leave them empty: the settings are kept).
Function FoldersPage
  !insertmacro MUI_HEADER_TEXT "Folders and backup times" "Where EXACT's data is, where the backups go, and when to back up."
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 12u "EXACT data folder (for example \\server\EXACTData):"
  ${NSD_CreateText} 0 14u 100% 12u "$Data"
  Pop $DataField
  ${NSD_CreateLabel} 0 34u 100% 12u "Backup folder (on this computer or a USB drive, for example D:\DataBkup):"
  ${NSD_CreateText} 0 48u 100% 12u "$Dest"
  Pop $DestField
  ${NSD_CreateCheckbox} 0 70u 100% 12u "Ask to start the network backup each time EXACT closes (changes EXACT's shortcuts)"
  Pop $WrapField
  ${If} $Wrap == 1
    ${NSD_Check} $WrapField
  ${EndIf}
  ${NSD_CreateLabel} 0 90u 100% 12u "Also back up every day at (for example 18:30; leave empty for no scheduled backup):"
  ${NSD_CreateText} 0 104u 60u 12u "$Task"
  Pop $TaskField
  nsDialogs::Show
FunctionEnd

Function FoldersLeave
  ${NSD_GetText} $DataField $Data
  ${NSD_GetText} $DestField $Dest
  ${NSD_GetState} $WrapField $Wrap
  ${If} $Wrap == ${BST_CHECKED}
    StrCpy $Wrap 1
  ${Else}
    StrCpy $Wrap 0
  ${EndIf}
  ${NSD_GetText} $TaskField $Task
FunctionEnd

; A path as a RON string: backslashes and quotes escaped.
!macro RonString IN OUT
  ${WordReplace} "${IN}" "\" "\\" "+" ${OUT}
  ${WordReplace} "${OUT}" '"' '\"' "+" ${OUT}
!macroend

Section "Install"
  SetOutPath "$INSTDIR"
  File "/oname=logoff-backup.exe" "${EXE}"
  File "/oname=logoff-backup.ico" "../../assets/icon.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The machine-wide settings: written when both folders are given, otherwise kept as they are.
  ${If} $Data != ""
  ${AndIf} $Dest != ""
    CreateDirectory "$APPDATA\${NAME}"
    !insertmacro RonString $Data $R1
    !insertmacro RonString $Dest $R2
    FileOpen $0 "$APPDATA\${NAME}\settings.ron" w
    FileWrite $0 "($\r$\n    data_folder: $\"$R1$\",$\r$\n    destination: $\"$R2$\",$\r$\n)$\r$\n"
    FileClose $0
    DetailPrint "Settings written: $APPDATA\${NAME}\settings.ron"
    ; The backup folder, which every Windows user of this computer must be able to write to.
    CreateDirectory "$Dest"
    nsExec::ExecToLog 'icacls "$Dest" /grant *S-1-5-32-545:(OI)(CI)M'
    Pop $0
    ${If} $0 == 0
      DetailPrint "Every user of this computer (the Users group) may now change files in $Dest."
    ${Else}
      DetailPrint "Could not give the Users group Modify on $Dest (icacls: $0)."
      StrCpy $Failed 1
    ${EndIf}
  ${EndIf}

  CreateDirectory "$SMPROGRAMS\${NAME}"
  CreateShortCut "$SMPROGRAMS\${NAME}\Network backup.lnk" "$INSTDIR\logoff-backup.exe" "prompt" "$INSTDIR\logoff-backup.ico"
  CreateShortCut "$SMPROGRAMS\${NAME}\Backup settings.lnk" "$INSTDIR\logoff-backup.exe" "settings" "$INSTDIR\logoff-backup.ico"
  CreateShortCut "$SMPROGRAMS\${NAME}\Backup history.lnk" "$INSTDIR\logoff-backup.exe" "history" "$INSTDIR\logoff-backup.ico"

  ${If} $Wrap == 1
    Call Wrap
  ${Else}
    Call Unwrap
  ${EndIf}

  ; The Event Log source, so monitoring sees each run's entry with its text.
  WriteRegExpandStr HKLM "${EVENT_KEY}" "EventMessageFile" "%SystemRoot%\Microsoft.NET\Framework64\v4.0.30319\EventLogMessages.dll"
  WriteRegDWORD HKLM "${EVENT_KEY}" "TypesSupported" 7

  ${If} $Task != ""
    nsExec::ExecToLog 'schtasks /Create /F /TN "${TASK_NAME}" /SC DAILY /ST $Task /TR "\"$INSTDIR\logoff-backup.exe\" run"'
    Pop $0
    ${If} $0 != 0
      DetailPrint "Could not make the scheduled task at $Task (schtasks: $0)."
      StrCpy $Failed 1
    ${EndIf}
  ${EndIf}

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\logoff-backup.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  ${If} $Failed != 0
    SetErrorLevel 2
    SetDetailsView show
    MessageBox MB_ICONEXCLAMATION|MB_OK "logoff-backup is installed, but not everything asked for could be done: the lines starting $\"Could not$\" in the list say what." /SD IDOK
  ${EndIf}
SectionEnd

Function un.onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  SetShellVarContext all
  StrCpy $Failed 0
FunctionEnd

; The settings and the backups stay (the backups are the practice's; /REMOVESETTINGS=1 removes the
; settings too).
Section "Uninstall"
  nsExec::ExecToLog 'schtasks /Delete /F /TN "${TASK_NAME}"'
  Pop $0
  Call un.Unwrap
  Delete "$SMPROGRAMS\${NAME}\Network backup.lnk"
  Delete "$SMPROGRAMS\${NAME}\Backup settings.lnk"
  Delete "$SMPROGRAMS\${NAME}\Backup history.lnk"
  RMDir "$SMPROGRAMS\${NAME}"
  Delete "$INSTDIR\logoff-backup.exe"
  Delete "$INSTDIR\logoff-backup.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVESETTINGS=" $R1
  ${If} $R1 == "1"
    Delete "$APPDATA\${NAME}\settings.ron"
    RMDir "$APPDATA\${NAME}"
  ${EndIf}
  DeleteRegKey HKLM "${EVENT_KEY}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ${If} $Failed != 0
    SetErrorLevel 2
  ${EndIf}
SectionEnd
