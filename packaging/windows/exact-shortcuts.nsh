; EXACT's shortcuts, made to start EXACT through `logoff-backup after -- ...` so the prompt comes
; each time EXACT closes, and put back as they were.
;
; The shortcuts for every user are looked at: the public desktop and the Start menu for all users
; (with its folders). Those whose target is EXACT's program ($ExactExe, by name, any case) get
; logoff-backup.exe as target, `after -- "<EXACT's target>" <its arguments>` as arguments and
; EXACT's own icon; the working folder, hot key and comment stay. A copy of each, as it was, is
; kept in ProgramData\logoff-backup\shortcuts\ (N.lnk, its place in wrapped.ini). Unwrap (the
; uninstaller, or the installer with /WRAP=0) copies it back over each shortcut that still starts
; logoff-backup.exe; one changed since (EXACT's own upgrade, say) is left as it is.
;
; Shortcuts are read and written by Windows' own ShellLink object (IShellLinkW and its
; IPersistFile), called through the System plug-in by their methods' places in the interface.

!define CLSID_ShellLink "{00021401-0000-0000-C000-000000000046}"
!define IID_IShellLinkW "{000214F9-0000-0000-C000-000000000046}"
!define IID_IPersistFile "{0000010b-0000-0000-C000-000000000046}"
!define WRAPPED_DIR "$APPDATA\${NAME}\shortcuts"
!define WRAPPED_INI "$APPDATA\${NAME}\shortcuts\wrapped.ini"

Var LinkFile      ; the shortcut's file
Var Link          ; its IShellLinkW while loaded, otherwise 0
Var LinkFileObj   ; its IPersistFile while loaded, otherwise 0
Var LinkTarget    ; what it starts ("" when that cannot be read)
Var LinkArgs
Var LinkIcon
Var LinkIconIndex
Var LinkResult    ; 0 when the last save worked

!macro LinkFunctions UN
; Loads $LinkFile: $Link is 0 when it cannot be read.
Function ${UN}LinkLoad
  Push $0
  Push $1
  StrCpy $Link 0
  StrCpy $LinkFileObj 0
  StrCpy $LinkTarget ""
  StrCpy $LinkArgs ""
  StrCpy $LinkIcon ""
  StrCpy $LinkIconIndex 0
  System::Call "ole32::CoCreateInstance(g '${CLSID_ShellLink}', p 0, i 1, g '${IID_IShellLinkW}', *p .r1) i .r0"
  ${If} $0 = 0
    StrCpy $Link $1
    System::Call "$Link->0(g '${IID_IPersistFile}', *p .r1) i .r0"
    ${If} $0 = 0
      StrCpy $LinkFileObj $1
      StrCpy $1 $LinkFile
      System::Call "$LinkFileObj->5(w r1, i 0) i .r0"
    ${EndIf}
    ${If} $0 = 0
      System::Call "$Link->3(w .r1, i ${NSIS_MAX_STRLEN}, p 0, i 0) i .r0"
      ${If} $0 = 0
        StrCpy $LinkTarget $1
      ${EndIf}
      System::Call "$Link->10(w .r1, i ${NSIS_MAX_STRLEN})"
      StrCpy $LinkArgs $1
      System::Call "$Link->16(w .r1, i ${NSIS_MAX_STRLEN}, *i .r0)"
      StrCpy $LinkIcon $1
      StrCpy $LinkIconIndex $0
    ${Else}
      Call ${UN}LinkClose
    ${EndIf}
  ${EndIf}
  Pop $1
  Pop $0
FunctionEnd

Function ${UN}LinkClose
  ${If} $LinkFileObj != 0
    System::Call "$LinkFileObj->2()"
  ${EndIf}
  ${If} $Link != 0
    System::Call "$Link->2()"
  ${EndIf}
  StrCpy $LinkFileObj 0
  StrCpy $Link 0
FunctionEnd

; Puts back each shortcut changed by an install, if it still starts logoff-backup.exe.
Function ${UN}Unwrap
  ReadINIStr $R1 "${WRAPPED_INI}" "wrapped" "count"
  IntOp $R1 $R1 + 0
  StrCpy $R2 1
  ${While} $R2 <= $R1
    ReadINIStr $LinkFile "${WRAPPED_INI}" "$R2" "link"
    StrCpy $R4 1 ; the kept copy may go
    ${If} $LinkFile != ""
    ${AndIf} ${FileExists} "${WRAPPED_DIR}\$R2.lnk"
      Call ${UN}LinkLoad
      Call ${UN}LinkClose
      ${GetFileName} $LinkTarget $R3
      ${If} $R3 == "logoff-backup.exe"
        ClearErrors
        CopyFiles /SILENT "${WRAPPED_DIR}\$R2.lnk" "$LinkFile"
        ${If} ${Errors}
          DetailPrint "Could not put back EXACT's shortcut $LinkFile (its copy stays in ${WRAPPED_DIR}\$R2.lnk)."
          StrCpy $Failed 1
          StrCpy $R4 0
        ${Else}
          DetailPrint "EXACT's shortcut $LinkFile is back as it was."
        ${EndIf}
      ${Else}
        DetailPrint "$LinkFile no longer starts logoff-backup (changed or removed since): left as it is."
      ${EndIf}
    ${EndIf}
    ${If} $R4 = 1
      Delete "${WRAPPED_DIR}\$R2.lnk"
    ${EndIf}
    IntOp $R2 $R2 + 1
  ${EndWhile}
  ${If} $Failed == 0
    Delete "${WRAPPED_INI}"
    RMDir "${WRAPPED_DIR}"
  ${EndIf}
FunctionEnd
!macroend

!insertmacro LinkFunctions ""
!insertmacro LinkFunctions "un."

; Locate's callback for each shortcut found ($R9): EXACT's own go through `after`.
Function WrapFound
  StrCpy $LinkFile $R9
  Call LinkLoad
  ${If} $Link != 0
    ${GetFileName} $LinkTarget $R0
    ${If} $R0 == $ExactExe
      Call WrapLoaded
    ${EndIf}
    Call LinkClose
  ${EndIf}
  Push "go on"
FunctionEnd

; Changes the loaded shortcut, keeping a copy of it as it was. (Locate shows only the status
; line while it looks: the list gets these lines too.)
Function WrapLoaded
  Push $0
  Push $1
  SetDetailsPrint both
  ReadINIStr $R1 "${WRAPPED_INI}" "wrapped" "count"
  IntOp $R1 $R1 + 1
  CreateDirectory "${WRAPPED_DIR}"
  ClearErrors
  CopyFiles /SILENT "$LinkFile" "${WRAPPED_DIR}\$R1.lnk"
  ${If} ${Errors}
    DetailPrint "Could not keep a copy of EXACT's shortcut $LinkFile: left as it was."
    StrCpy $Failed 1
  ${Else}
    ${If} $LinkIcon == ""
      StrCpy $LinkIcon $LinkTarget
      StrCpy $LinkIconIndex 0
    ${EndIf}
    StrCpy $1 'after -- "$LinkTarget"'
    ${If} $LinkArgs != ""
      StrCpy $1 '$1 $LinkArgs'
    ${EndIf}
    System::Call "$Link->11(w r1)"
    StrCpy $1 "$INSTDIR\logoff-backup.exe"
    System::Call "$Link->20(w r1)"
    StrCpy $1 $LinkIcon
    System::Call "$Link->17(w r1, i $LinkIconIndex)"
    StrCpy $1 $LinkFile
    System::Call "$LinkFileObj->6(w r1, i 1) i .r0"
    StrCpy $LinkResult $0
    ${If} $LinkResult = 0
      WriteINIStr "${WRAPPED_INI}" "$R1" "link" "$LinkFile"
      WriteINIStr "${WRAPPED_INI}" "wrapped" "count" "$R1"
      DetailPrint "EXACT's shortcut $LinkFile now asks for the network backup when EXACT closes."
    ${Else}
      Delete "${WRAPPED_DIR}\$R1.lnk"
      DetailPrint "Could not change EXACT's shortcut $LinkFile (error $LinkResult): left as it was."
      StrCpy $Failed 1
    ${EndIf}
  ${EndIf}
  SetDetailsPrint textonly
  Pop $1
  Pop $0
FunctionEnd

; Wraps EXACT's shortcuts for every user (those already wrapped start logoff-backup.exe, so they
; are not found again).
Function Wrap
  ${Locate} "$DESKTOP" "/L=F /M=*.lnk /G=0" "WrapFound"
  ${Locate} "$SMPROGRAMS" "/L=F /M=*.lnk" "WrapFound"
  ReadINIStr $R1 "${WRAPPED_INI}" "wrapped" "count"
  IntOp $R1 $R1 + 0
  ${If} $R1 = 0
    DetailPrint "No shortcut to $ExactExe on the public desktop or in the Start menu for all users: none changed."
  ${Else}
    DetailPrint "EXACT's shortcuts changed to ask for the network backup (by this install or one before): $R1."
  ${EndIf}
FunctionEnd
